export const id = 458;
export const ids = [458];
export const modules = {

/***/ 9458:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Analysis: () => (/* binding */ Analysis),
/* harmony export */   loadBalancerDimension: () => (/* reexport safe */ _query_js__WEBPACK_IMPORTED_MODULE_2__.Tj),
/* harmony export */   targetGroupDimension: () => (/* reexport safe */ _query_js__WEBPACK_IMPORTED_MODULE_2__.RA)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1078);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _report_format_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2011);
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8838);
/* harmony import */ var _judge_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7021);
/* harmony import */ var _query_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4434);
// The real-user analysis of one deployment: from the first shift on, each window (a step's wait, the bake)
// judges the whole CloudWatch minutes inside it once they are published, one GetMetricData call per
// evaluation. Failing minutes in a row (analysis-failure-limit) roll back; a window ends only after its last
// minute was judged; a minute that could not be read is never a pass.






// The flow loads this module only when analysis is configured; it takes the ARN parsing from here too.

const at = (start) => (0,_report_format_js__WEBPACK_IMPORTED_MODULE_3__/* .timeOfDay */ .rb)(new Date(start).toISOString());
const side = (c) => (c ? `${(0,_judge_js__WEBPACK_IMPORTED_MODULE_4__/* .pct */ .Oe)(c.requests > 0 ? (100 * c.errors) / c.requests : 0)} of ${c.requests}${c.p99Ms !== undefined ? `, p99 ${(0,_judge_js__WEBPACK_IMPORTED_MODULE_4__.ms)(c.p99Ms)}` : ''}` : 'no requests');
class Analysis {
    s;
    judged = new Map();
    streak = [];
    baseline = null;
    baselineRead = false;
    elbBefore;
    failure;
    readError;
    constructor(s) {
        this.s = s;
    }
    get minute() {
        return this.s.config.minuteMs;
    }
    window(startMs, durationMs, during) {
        const m = this.minute;
        const first = Math.ceil(startMs / m) * m;
        const end = Math.floor((startMs + durationMs) / m) * m;
        const starts = [];
        for (let t = first; t + m <= end; t += m)
            starts.push(t);
        const readyAt = end + _config_js__WEBPACK_IMPORTED_MODULE_5__/* .PUBLICATION_MINUTES */ .DI * m;
        const check = {
            name: 'real-user analysis',
            unhealthyThreshold: 1,
            run: async () => {
                await this.evaluate(starts);
                if (this.failure)
                    return { ok: false, detail: this.failure };
                const last = [...starts].reverse().find((t) => this.judged.has(t));
                const next = starts.find((t) => !this.judged.has(t));
                const waiting = next === undefined ? '' : `; minute ${at(next)} is judged once published, from ${at(next + m + _config_js__WEBPACK_IMPORTED_MODULE_5__/* .PUBLICATION_MINUTES */ .DI * m)}`;
                return { ok: true, detail: `${last === undefined ? 'no minute judged yet' : `${at(last)} ${this.judged.get(last)?.verdict}`}${this.readError ? ` (CloudWatch: ${this.readError})` : ''}${waiting}` };
            },
        };
        return { check, watchMs: Math.max(durationMs, readyAt - startMs), conclude: () => this.conclude(starts, readyAt, during) };
    }
    /**
     * engine: ecs between its pauses (ECS's own step bakes): judges every whole minute from `fromMs` on as it is
     * published, with no end of its own.
     */
    rollingCheck(fromMs) {
        return {
            name: 'real-user analysis',
            unhealthyThreshold: 1,
            run: async () => {
                const m = this.minute;
                const starts = [];
                for (let t = Math.ceil(fromMs / m) * m; t + m <= this.s.clock.now(); t += m)
                    starts.push(t);
                await this.evaluate(starts);
                return this.failure ? { ok: false, detail: this.failure } : { ok: true, detail: `${this.judged.size} minute(s) judged${this.readError ? ` (CloudWatch: ${this.readError})` : ''}` };
            },
        };
    }
    report() {
        const { fresh, previous, config, region, startedAt } = this.s;
        const minutes = [...this.judged.values()].sort((x, y) => x.start - y.start);
        const end = (minutes.at(-1)?.start ?? startedAt) + this.minute;
        return {
            fresh: fresh.label,
            previous: previous.label,
            criteria: config,
            minutes,
            consoleSource: (0,_query_js__WEBPACK_IMPORTED_MODULE_2__/* .consoleSource */ .j6)(config, region, fresh, previous, startedAt - _config_js__WEBPACK_IMPORTED_MODULE_5__/* .BASELINE_MINUTES */ .Qx * this.minute, end),
            ...(this.failure ? { failure: this.failure } : {}),
            ...(this.elbBefore !== undefined && minutes.length > 0 ? { elb5xxPerMinute: { before: this.elbBefore, since: minutes.reduce((n, m) => n + (m.elb5xx ?? 0), 0) / minutes.length } } : {}),
        };
    }
    /** Reads and judges every minute of `starts` that is published and not judged yet: one call, or none. */
    async evaluate(starts) {
        if (this.failure)
            return;
        const m = this.minute;
        const now = this.s.clock.now();
        const pending = starts.filter((t) => !this.judged.has(t) && t + m + _config_js__WEBPACK_IMPORTED_MODULE_5__/* .PUBLICATION_MINUTES */ .DI * m <= now);
        const [firstPending] = pending;
        if (firstPending === undefined)
            return;
        const baselineStart = Math.floor(this.s.startedAt / m) * m - _config_js__WEBPACK_IMPORTED_MODULE_5__/* .BASELINE_MINUTES */ .Qx * m;
        const from = this.baselineRead ? firstPending : Math.min(baselineStart, firstPending);
        let series;
        try {
            series = await this.s.metrics.read((0,_query_js__WEBPACK_IMPORTED_MODULE_2__/* .queriesFor */ .yp)(this.s.config, this.s.fresh, this.s.previous), from, (pending.at(-1) ?? firstPending) + m);
            this.readError = undefined;
        }
        catch (error) {
            // No evidence either way: the minutes stay unjudged, to be read at the next tick (conclude decides).
            // One annotation per outage (GitHub shows ten a step), every retry in the log.
            const message = (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error);
            const report = this.readError === undefined ? _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e : _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq;
            this.readError = message;
            report(`Could not read the ALB metrics for the analysis (retried at the next check): ${message}`);
            return;
        }
        if (!this.baselineRead) {
            // Per target group, the previous colour's minute in which the shift happened is still only its own
            // requests: it belongs to the baseline too.
            const before = [];
            for (let t = baselineStart; t < this.s.startedAt; t += m)
                before.push(t);
            const beforeFigures = (0,_query_js__WEBPACK_IMPORTED_MODULE_2__/* .minuteFigures */ .g8)(series, before);
            this.baseline = (0,_judge_js__WEBPACK_IMPORTED_MODULE_4__/* .baselineOf */ .Bv)(this.s.config, beforeFigures) ?? null;
            this.elbBefore = beforeFigures.reduce((n, f) => n + (f.elb5xx ?? 0), 0) / Math.max(1, before.length);
            this.baselineRead = true;
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Analysis baseline (${this.s.previous.label} before the shift): ${this.baseline ? `${(0,_judge_js__WEBPACK_IMPORTED_MODULE_4__/* .pct */ .Oe)(this.baseline.rate ?? 0)} errors${this.baseline.p99Ms !== undefined ? `, p99 ${(0,_judge_js__WEBPACK_IMPORTED_MODULE_4__.ms)(this.baseline.p99Ms)}` : ''}` : 'too little traffic to compare with'}.`);
        }
        for (const figures of (0,_query_js__WEBPACK_IMPORTED_MODULE_2__/* .minuteFigures */ .g8)(series, pending))
            this.record((0,_judge_js__WEBPACK_IMPORTED_MODULE_4__/* .judgeMinute */ .S)(this.s.config, figures, this.baseline ?? undefined, this.s.fresh.label));
    }
    record(j) {
        this.judged.set(j.start, j);
        const { fresh, previous, config } = this.s;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Analysis ${at(j.start)}: ${fresh.label} ${side(j.fresh)} | ${previous.label} ${side(j.previous)}${j.elb5xx ? ` | ELB 5xx ${j.elb5xx}` : ''} → ${j.verdict.toUpperCase()}${j.reasons.length > 0 ? ` (${j.reasons.join('; ')})` : ''}`);
        if (j.verdict === 'pass')
            this.streak = [];
        if (j.verdict !== 'fail')
            return;
        this.streak.push(j);
        if (this.streak.length >= config.failureLimit) {
            // The first words say it all (metric, values, bound, minutes): a deployment record keeps 140 characters.
            const last = this.streak.at(-1);
            const headline = `${fresh.label} ${last.brief.join(', ')} at ${this.streak.map((s) => (0,_query_js__WEBPACK_IMPORTED_MODULE_2__/* .minuteLabel */ .l0)(s.start)).join(', ')} UTC`;
            const minutes = this.streak.map((s) => `${at(s.start)} ${s.reasons.join(', ')} (${previous.label}: ${side(s.previous)})`).join('; ');
            this.failure = `${headline} — ${fresh.label} failed ${this.streak.length} minute(s) in a row (analysis-failure-limit ${config.failureLimit}): ${minutes}`;
        }
    }
    async conclude(starts, readyAt, during) {
        const { clock, signal, config } = this.s;
        // A minute not yet read is read now, waiting for its publication; CloudWatch gets one more minute to answer.
        const giveUpAt = readyAt + this.minute;
        while (!this.failure && starts.some((t) => !this.judged.has(t))) {
            if (clock.now() < readyAt)
                await clock.sleep(readyAt - clock.now(), signal);
            await this.evaluate(starts);
            if (this.failure || starts.every((t) => this.judged.has(t)) || clock.now() >= giveUpAt)
                break;
            // Only a failed read leaves a published minute unjudged: try again shortly.
            await clock.sleep(Math.min(5_000, this.minute / 6), signal);
        }
        const fail = () => {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .HealthCheckFailed */ .yK(`real-user analysis failed during ${during}: ${this.failure ?? ''}`);
        };
        if (this.failure)
            fail();
        const unread = starts.filter((t) => !this.judged.has(t));
        if (unread.length > 0) {
            // Never a pass from missing data, whatever analysis-inconclusive says: that input is about quiet traffic.
            this.failure = `could not read the ALB metrics of ${unread.map(at).join(', ')}${this.readError ? ` (${this.readError})` : ''}; a minute not read is not a healthy minute`;
            fail();
        }
        const conclusive = starts.filter((t) => this.judged.get(t)?.verdict !== 'inconclusive').length;
        if (conclusive >= config.failureLimit)
            return;
        // Neither target group has a datapoint: CloudWatch had not published the minute, or no user came at all.
        const empty = starts.filter((t) => {
            const j = this.judged.get(t);
            return j?.verdict === 'inconclusive' && !j.fresh && !j.previous;
        }).length;
        const cause = empty > 0 && empty === starts.length - conclusive ? `not enough data to judge (no datapoint for either colour in ${empty} minute(s): not published yet, or no user at all)` : 'not enough traffic to judge';
        const why = `${cause}: ${conclusive} of ${starts.length} minute(s) had a verdict, analysis-failure-limit needs ${config.failureLimit} (${starts.map((t) => `${at(t)} ${this.judged.get(t)?.reasons.join(', ') ?? ''}`).join('; ')})`;
        if (config.inconclusive === 'pass') {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Real-user analysis during ${during}: ${why}; analysis-inconclusive: pass lets it through.`, { title: 'Analysis inconclusive' });
            return;
        }
        this.failure = why;
        fail();
    }
}


/***/ })

};
