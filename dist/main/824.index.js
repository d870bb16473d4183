export const id = 824;
export const ids = [824];
export const modules = {

/***/ 9824:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Analysis: () => (/* binding */ Analysis),
  loadBalancerDimension: () => (/* reexport */ loadBalancerDimension),
  targetGroupDimension: () => (/* reexport */ targetGroupDimension)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1078);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/report/format.ts
var format = __webpack_require__(2011);
// EXTERNAL MODULE: ./src/analysis/config.ts
var analysis_config = __webpack_require__(8838);
// EXTERNAL MODULE: ./src/analysis/judge.ts
var judge = __webpack_require__(7021);
;// CONCATENATED MODULE: ./src/analysis/query.ts
/** `app/<name>/<id>` from a load balancer, listener or listener rule ARN. */
function loadBalancerDimension(arn) {
    const match = /:(?:loadbalancer|listener|listener-rule)\/(app\/[^/]+\/[^/]+)/.exec(arn);
    if (!match?.[1])
        throw new Error(`${arn} names no Application Load Balancer (expected …:listener/app/<name>/<id>/…)`);
    return match[1];
}
/** `targetgroup/<name>/<id>` from a target group ARN. */
function targetGroupDimension(arn) {
    const match = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn);
    if (!match?.[1])
        throw new Error(`${arn} is not a target group ARN`);
    return match[1];
}
const NAMESPACE = 'AWS/ApplicationELB';
function subjectQueries(a, side, s) {
    const dimensions = { LoadBalancer: s.loadBalancer, TargetGroup: s.targetGroup };
    const metric = (suffix, metricName, stat = 'Sum') => ({ id: `${side}_${suffix}`, namespace: NAMESPACE, metricName, dimensions, stat, periodSeconds: 60 });
    return [
        metric('req', 'RequestCount'),
        metric('t5', 'HTTPCode_Target_5XX_Count'),
        metric('ce', 'TargetConnectionErrorCount'),
        ...(a.count4xx ? [metric('t4', 'HTTPCode_Target_4XX_Count')] : []),
        metric('p99', 'TargetResponseTime', 'p99'),
    ];
}
/**
 * Both colours' series and the load balancer's own 5xx, in one call. The error counts are read as they are
 * rather than through metric math: a minute with requests and no error datapoint has 0 errors by AWS's
 * definition, and reading that rule here does not depend on what FILL() makes of a series with no datapoint.
 */
function queriesFor(a, fresh, previous) {
    return [
        ...subjectQueries(a, 'new', fresh),
        ...subjectQueries(a, 'old', previous),
        { id: 'lb_elb5', namespace: NAMESPACE, metricName: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: fresh.loadBalancer }, stat: 'Sum', periodSeconds: 60 },
    ];
}
/** The figures of each minute start in `starts`, from one read's series. A colour without a RequestCount datapoint served nothing that minute. */
function minuteFigures(series, starts) {
    const byId = new Map(series.map((s) => [s.id, s.points]));
    const colour = (side, start) => {
        const requests = byId.get(`${side}_req`)?.get(start);
        if (requests === undefined)
            return undefined;
        const count = (suffix) => byId.get(`${side}_${suffix}`)?.get(start) ?? 0;
        const p99 = byId.get(`${side}_p99`)?.get(start);
        return { requests, errors: count('t5') + count('ce') + count('t4'), ...(p99 !== undefined ? { p99Ms: p99 * 1000 } : {}) };
    };
    return starts.map((start) => {
        const fresh = colour('new', start);
        const previous = colour('old', start);
        const elb5xx = byId.get('lb_elb5')?.get(start);
        return { start, ...(fresh ? { fresh } : {}), ...(previous ? { previous } : {}), ...(elb5xx !== undefined ? { elb5xx } : {}) };
    });
}
/**
 * The same figures as the CloudWatch console's graph source (Metrics → Source): paste it to see what the
 * analysis saw, with the error rate as metric math.
 */
function consoleSource(a, region, fresh, previous, startMs, endMs) {
    const lines = [];
    for (const [side, s] of [['new', fresh], ['old', previous]]) {
        const dims = ['LoadBalancer', s.loadBalancer, 'TargetGroup', s.targetGroup];
        const error = ['HTTPCode_Target_5XX_Count', 'TargetConnectionErrorCount', ...(a.count4xx ? ['HTTPCode_Target_4XX_Count'] : [])];
        lines.push([NAMESPACE, 'RequestCount', ...dims, { id: `${side}_req`, label: `${s.label} requests`, stat: 'Sum' }]);
        error.forEach((name, i) => lines.push([NAMESPACE, name, ...dims, { id: `${side}_e${i}`, stat: 'Sum', visible: false }]));
        const sum = error.map((_, i) => `FILL(${side}_e${i}, 0)`).join(' + ');
        lines.push([{ expression: `100 * (${sum}) / ${side}_req`, id: `${side}_rate`, label: `${s.label} error rate (%)`, yAxis: 'right' }]);
        lines.push([NAMESPACE, 'TargetResponseTime', ...dims, { id: `${side}_p99`, label: `${s.label} p99 (s)`, stat: 'p99' }]);
    }
    const source = { view: 'timeSeries', stacked: false, region, period: 60, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), metrics: lines };
    return JSON.stringify(source, null, 2);
}

;// CONCATENATED MODULE: ./src/analysis/analysis.ts
// The real-user analysis of one deployment: from the first shift on, each window (a step's wait, the bake)
// judges the whole CloudWatch minutes inside it once they are published, one GetMetricData call per
// evaluation. Failing minutes in a row (analysis-failure-limit) roll back; a window ends only after its last
// minute was judged; a minute that could not be read is never a pass.






// The flow loads this module only when analysis is configured; it takes the ARN parsing from here too.

const at = (start) => (0,format/* timeOfDay */.rb)(new Date(start).toISOString());
const side = (c) => (c ? `${(0,judge/* pct */.Oe)(c.requests > 0 ? (100 * c.errors) / c.requests : 0)} of ${c.requests}${c.p99Ms !== undefined ? `, p99 ${(0,judge.ms)(c.p99Ms)}` : ''}` : 'no requests');
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
        const readyAt = end + analysis_config/* PUBLICATION_MINUTES */.DI * m;
        const check = {
            name: 'real-user analysis',
            unhealthyThreshold: 1,
            run: async () => {
                await this.evaluate(starts);
                if (this.failure)
                    return { ok: false, detail: this.failure };
                const last = [...starts].reverse().find((t) => this.judged.has(t));
                const next = starts.find((t) => !this.judged.has(t));
                const waiting = next === undefined ? '' : `; minute ${at(next)} is judged once published, from ${at(next + m + analysis_config/* PUBLICATION_MINUTES */.DI * m)}`;
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
            consoleSource: consoleSource(config, region, fresh, previous, startedAt - analysis_config/* BASELINE_MINUTES */.Qx * this.minute, end),
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
        const pending = starts.filter((t) => !this.judged.has(t) && t + m + analysis_config/* PUBLICATION_MINUTES */.DI * m <= now);
        const [firstPending] = pending;
        if (firstPending === undefined)
            return;
        const baselineStart = Math.floor(this.s.startedAt / m) * m - analysis_config/* BASELINE_MINUTES */.Qx * m;
        const from = this.baselineRead ? firstPending : Math.min(baselineStart, firstPending);
        let series;
        try {
            series = await this.s.metrics.read(queriesFor(this.s.config, this.s.fresh, this.s.previous), from, (pending.at(-1) ?? firstPending) + m);
            this.readError = undefined;
        }
        catch (error) {
            // No evidence either way: the minutes stay unjudged, to be read at the next tick (conclude decides).
            this.readError = (0,errors/* errorMessage */.gJ)(error);
            core/* warning */.$e(`Could not read the ALB metrics for the analysis: ${this.readError}`);
            return;
        }
        if (!this.baselineRead) {
            // Per target group, the previous colour's minute in which the shift happened is still only its own
            // requests: it belongs to the baseline too.
            const before = [];
            for (let t = baselineStart; t < this.s.startedAt; t += m)
                before.push(t);
            const beforeFigures = minuteFigures(series, before);
            this.baseline = (0,judge/* baselineOf */.Bv)(this.s.config, beforeFigures) ?? null;
            this.elbBefore = beforeFigures.reduce((n, f) => n + (f.elb5xx ?? 0), 0) / Math.max(1, before.length);
            this.baselineRead = true;
            core/* info */.pq(`Analysis baseline (${this.s.previous.label} before the shift): ${this.baseline ? `${(0,judge/* pct */.Oe)(this.baseline.rate ?? 0)} errors${this.baseline.p99Ms !== undefined ? `, p99 ${(0,judge.ms)(this.baseline.p99Ms)}` : ''}` : 'too little traffic to compare with'}.`);
        }
        for (const figures of minuteFigures(series, pending))
            this.record((0,judge/* judgeMinute */.S)(this.s.config, figures, this.baseline ?? undefined, this.s.fresh.label));
    }
    record(j) {
        this.judged.set(j.start, j);
        const { fresh, previous, config } = this.s;
        core/* info */.pq(`Analysis ${at(j.start)}: ${fresh.label} ${side(j.fresh)} | ${previous.label} ${side(j.previous)}${j.elb5xx ? ` | ELB 5xx ${j.elb5xx}` : ''} → ${j.verdict.toUpperCase()}${j.reasons.length > 0 ? ` (${j.reasons.join('; ')})` : ''}`);
        if (j.verdict === 'pass')
            this.streak = [];
        if (j.verdict !== 'fail')
            return;
        this.streak.push(j);
        if (this.streak.length >= config.failureLimit) {
            // The first words say it all (metric, values, bound, minutes): a deployment record keeps 140 characters.
            const last = this.streak.at(-1);
            const headline = `${fresh.label} ${last.brief.join(', ')} at ${this.streak.map((s) => at(s.start).slice(0, 5)).join(', ')} UTC`;
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
            throw new errors/* HealthCheckFailed */.yK(`real-user analysis failed during ${during}: ${this.failure ?? ''}`);
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
        const why = `not enough traffic to judge: ${conclusive} of ${starts.length} minute(s) had a verdict, analysis-failure-limit needs ${config.failureLimit} (${starts.map((t) => `${at(t)} ${this.judged.get(t)?.reasons.join(', ') ?? ''}`).join('; ')})`;
        if (config.inconclusive === 'pass') {
            core/* warning */.$e(`Real-user analysis during ${during}: ${why}; analysis-inconclusive: pass lets it through.`, { title: 'Analysis inconclusive' });
            return;
        }
        this.failure = why;
        fail();
    }
}


/***/ })

};
