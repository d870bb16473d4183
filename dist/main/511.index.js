export const id = 511;
export const ids = [511];
export const modules = {

/***/ 1511:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  builtInDeploy: () => (/* reexport */ builtInDeploy),
  builtInPrepare: () => (/* reexport */ builtInPrepare),
  builtInPromote: () => (/* reexport */ builtInPromote),
  builtInRollback: () => (/* reexport */ builtInRollback),
  builtInStatus: () => (/* reexport */ builtInStatus)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1078);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
// EXTERNAL MODULE: ./src/analysis/config.ts
var config = __webpack_require__(8838);
// EXTERNAL MODULE: ./src/flow/analysis-gate.ts + 1 modules
var analysis_gate = __webpack_require__(6613);
;// CONCATENATED MODULE: ./src/engines/ecs/analysis.ts


class BuiltInAnalysis {
    o;
    analysis;
    rolling;
    stepFrom;
    constructor(o) {
        this.o = o;
    }
    /** The analysis once production traffic reached the new revision; undefined before, or when not configured. */
    get current() {
        return this.analysis;
    }
    /** ECS's requested production weight on the new revision went above 0 (read back). */
    async productionMoved(now) {
        const { config, deps, notes, setup } = this.o;
        if (this.analysis || !config.analysis)
            return;
        this.analysis = await (0,analysis_gate/* startAnalysis */.nX)(config, deps, notes, {
            fresh: { label: 'new revision', targetGroupArn: setup.newTargetGroup },
            previous: { label: 'previous revision', targetGroupArn: setup.liveTargetGroup },
            listenerOrRuleArn: setup.productionRule,
        }, now);
        this.rolling = this.analysis?.rollingCheck(now);
        this.stepFrom = now;
    }
    /** Beside the watch between pauses: passes until the analysis started. */
    check = {
        name: 'real-user analysis',
        unhealthyThreshold: 1,
        run: async (signal) => (this.rolling ? this.rolling.run(signal) : { ok: true, detail: 'no production traffic on the new revision yet' }),
    };
    /**
     * At a PRE_PRODUCTION_TRAFFIC_SHIFT pause after users reached the new revision: the whole minutes since the
     * last step are judged (waiting for their publication) before ECS may move more users.
     */
    async concludeStep(during) {
        if (!this.analysis || this.stepFrom === undefined)
            return;
        // A step ECS ended sooner than analysis can judge (its bake is checked up front, but a step may also end
        // early) is held at this pause until it could have: the hook keeps ECS from moving more users meanwhile.
        const length = Math.max(this.o.deps.clock.now() - this.stepFrom, (0,config/* minimumWindowMs */.hn)(this.o.config.analysis));
        await this.analysis.window(this.stepFrom, length, during).conclude();
        this.stepFrom = this.o.deps.clock.now();
    }
}
/**
 * With analysis, ECS's own step bakes are analysis windows: a canary or linear step shorter than
 * analysis-failure-limit + 1 minutes would move more users before a failing minute could be judged.
 */
function analysisWindowProblems(config, service) {
    const a = config.analysis;
    if (!a)
        return [];
    const need = a.failureLimit + 1;
    const step = service.strategy === 'CANARY' ? ['canaryConfiguration.canaryBakeTimeInMinutes', service.canary?.bakeTimeInMinutes] : service.strategy === 'LINEAR' ? ['linearConfiguration.stepBakeTimeInMinutes', service.linear?.stepBakeTimeInMinutes] : undefined;
    if (!step || step[1] === undefined || step[1] >= need)
        return [];
    return [`its ${step[0]} is ${step[1]}: with analysis-failure-limit ${a.failureLimit} the real-user analysis needs steps of at least ${need} minutes (whole CloudWatch minutes, ${a.failureLimit} failing ones in a row must fit in a step whatever second it starts at); lengthen the step, or lower analysis-failure-limit`];
}

// EXTERNAL MODULE: ./src/health/gate.ts
var gate = __webpack_require__(2923);
// EXTERNAL MODULE: ./src/flow/commands.ts
var commands = __webpack_require__(5683);
// EXTERNAL MODULE: ./src/flow/monitor.ts
var monitor = __webpack_require__(1853);
// EXTERNAL MODULE: ./src/flow/target-health.ts
var target_health = __webpack_require__(3402);
// EXTERNAL MODULE: ./src/flow/verify.ts
var verify = __webpack_require__(6839);
;// CONCATENATED MODULE: ./src/engines/ecs/gates.ts
// engine: ecs, the decision at each PAUSE hook: what is checked at each lifecycle stage before the action
// answers CONTINUE, and what the watch looks at once users reach the new revision. A PAUSE hook is an
// approval point, so the action gates every stage it can pause at, each with the checks that stage allows:
// before the new revision starts (PRE_SCALE_UP, RECONCILE_SERVICE) no alarm may be firing; once its tasks are
// up without traffic (POST_SCALE_UP) every target must be healthy; with test traffic
// (POST_TEST_TRAFFIC_SHIFT) also the HTTP checks through the test rule and the smoke test; before every
// production step (PRE_PRODUCTION_TRAFFIC_SHIFT) the same plus the production URL once users reach it; after
// the last (POST_PRODUCTION_TRAFFIC_SHIFT) the bake, watched.









/** What the watch looks at once users reach the new revision: the production URL, the alarms, the new targets. */
function productionChecks(o) {
    const { config, deps, setup } = o;
    const checks = [];
    const url = config.health.postSwitchUrl;
    if (url)
        checks.push((0,gate/* probeCheck */.R1)(deps.probe, url, config.health.unhealthyThreshold));
    if (config.alarms.length > 0)
        checks.push((0,monitor/* alarmsCheck */.L7)(deps.ports, config));
    checks.push((0,monitor/* targetGroupCheck */.Z2)(deps.ports, 'new revision target health', 'new-revision', setup.newTargetGroup, config.health.unhealthyThreshold));
    return checks;
}
/** The decision at one PAUSE: undefined to continue, else why to roll back. */
async function gates_gate(o, stage, d, productionMoved, analysis) {
    const { config, deps, notes } = o;
    const run = async (name, fn) => {
        try {
            await (name ? deps.timeline.run(name, fn) : fn());
            return undefined;
        }
        catch (error) {
            if (error instanceof errors/* Cancelled */.cJ || deps.signal.aborted)
                throw error;
            return { reason: (0,errors/* errorMessage */.gJ)(error).split('\n')[0] ?? 'the gate failed', cause: error };
        }
    };
    if (stage === 'POST_TEST_TRAFFIC_SHIFT') {
        core/* info */.pq(`Paused at ${stage}: the new revision has all test traffic and no production traffic. Checking it.`);
        const failure = await run('Verify the new revision (test traffic)', () => verifyNewRevision(o, d, false));
        // runTeamCommand keeps its own timeline row and log group (and does nothing without a command).
        return failure ?? (await run(undefined, () => (0,commands/* runTeamCommand */.QD)(config, deps, notes, 'smoke-test', commandContext(o))));
    }
    if (stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT') {
        const at = d.target?.productionWeight ?? 0;
        core/* info */.pq(`Paused at ${stage}: production traffic on the new revision is ${at}%; checking before the next step.`);
        return run(`Verify the new revision before the step from ${at}%`, async () => {
            await analysis?.concludeStep(`the step at ${at}%`);
            await verifyNewRevision(o, d, productionMoved);
        });
    }
    if (stage === 'POST_PRODUCTION_TRAFFIC_SHIFT') {
        core/* info */.pq(`Paused at ${stage}: all production traffic is on the new revision and the previous one still runs. Baking for ${(0,duration/* formatDurationInput */.Y_)(config.bakeTimeMs)}.`);
        return run(`Bake for ${(0,duration/* formatDurationInput */.Y_)(config.bakeTimeMs)}`, async () => {
            await (0,analysis_gate/* watchWindow */.mG)(deps, config, productionChecks(o), config.bakeTimeMs, 'the bake time', analysis?.current);
        });
    }
    if (stage === 'PRE_SCALE_UP' || stage === 'RECONCILE_SERVICE') {
        core/* info */.pq(`Paused at ${stage}: no task of the new revision runs yet; checking that no alarm is firing.`);
        return run(`Check the alarms at ${stage}`, () => (0,monitor/* checkAlarmsBeforeShift */.sO)(deps.ports, config));
    }
    if (stage === 'POST_SCALE_UP' || stage === 'TEST_TRAFFIC_SHIFT') {
        core/* info */.pq(`Paused at ${stage}: the new revision's tasks run and no test traffic is on them for sure yet; checking their targets.`);
        return run(`Check the new revision's targets at ${stage}`, () => newRevisionTargets(o, d));
    }
    if (stage === 'PRODUCTION_TRAFFIC_SHIFT') {
        core/* info */.pq(`Paused at ${stage}: production traffic is moving to the new revision; checking it.`);
        return run(`Verify the new revision at ${stage}`, () => verifyNewRevision(o, d, productionMoved));
    }
    // A stage ECS added after this action was written: an approval point it cannot judge. Continuing blindly
    // would approve what nobody checked.
    return { reason: `a PAUSE hook at ${stage}, a lifecycle stage this action does not know how to check: it does not approve what it cannot check (remove the hook, or use a version of the action that knows the stage)`, cause: new errors/* HealthCheckFailed */.yK(`unknown lifecycle stage ${stage}`) };
}
/** Every target of the new revision healthy, as many as its desired count at least, before `deadline`. */
async function newTargetsHealthy(o, d, deadline) {
    const { config, deps, setup } = o;
    const minHealthy = Math.max(1, d.target?.requestedTaskCount ?? setup.service.desiredCount);
    await (0,target_health/* waitForHealthyTargets */.mT)({ elb: deps.ports.elb, colour: 'new revision', targetGroupArn: setup.newTargetGroup, minHealthy, pollMs: (0,target_health/* pollInterval */.dq)(config.health.intervalMs, 5_000), deadline, clock: deps.clock, signal: deps.signal });
}
/** The new revision's targets, and no alarm firing: what can be checked before any traffic reaches it. */
async function newRevisionTargets(o, d) {
    await newTargetsHealthy(o, d, o.deps.clock.now() + o.config.waitTimeoutMs);
    await (0,monitor/* checkAlarmsBeforeShift */.sO)(o.deps.ports, o.config);
}
/** Every target of the new revision healthy, the HTTP check through the test rule, no alarm firing (and the production URL once it serves users). */
async function verifyNewRevision(o, d, productionMoved) {
    const { config, deps } = o;
    const deadline = deps.clock.now() + config.waitTimeoutMs;
    await newTargetsHealthy(o, d, deadline);
    const urls = [config.health.url, productionMoved ? config.health.postSwitchUrl : undefined].filter((u) => Boolean(u));
    for (const url of new Set(urls))
        await (0,verify/* probeUntilHealthy */.g)(config, deps, url, deadline);
    if (urls.length === 0)
        o.notes.notes.push('No health-check-url: the new revision was gated on target health only.');
    await (0,monitor/* checkAlarmsBeforeShift */.sO)(deps.ports, config);
}
const commandContext = (o) => ({
    ...(o.config.health.url ? { targetUrl: o.config.health.url } : {}),
    taskDefinitionArn: o.taskDefinitionArn,
});

// EXTERNAL MODULE: ./src/aws/aws-error.ts
var aws_error = __webpack_require__(4931);
;// CONCATENATED MODULE: ./src/engines/ecs/rollback.ts

/** Deployments ECS has finished with: nothing left to continue or roll back. */
const TERMINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];
/** ECS is already rolling back (a hook timed out, an alarm, someone else's call). */
const ROLLING_BACK = ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];
/** Still going: what a new deployment would supersede, and what post must not leave behind. */
const IN_FLIGHT = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', ...ROLLING_BACK];
const awaitingPause = (d) => d.hooks.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');
/**
 * Rolls the deployment back the way that fits its state: ContinueServiceDeployment(ROLLBACK) on a PAUSE
 * hook that awaits an action (the hook's own answer), else StopServiceDeployment(ROLLBACK) (ECS rolls back
 * from any stage, rollback option or not). Nothing when it is already rolling back or finished. Returns
 * what it did, for the log; the state is read back afterwards by the caller.
 */
async function requestRollback(port, arn) {
    const d = await port.describe(arn);
    if (TERMINAL.includes(d.status))
        return 'finished';
    if (ROLLING_BACK.includes(d.status))
        return 'already-rolling-back';
    const hook = awaitingPause(d);
    if (hook) {
        try {
            await port.resume(arn, hook.hookId, 'ROLLBACK');
            return 'continue-rollback';
        }
        catch (error) {
            // The hook timed out or was answered between the read and the call: stopping still rolls back.
            if (!(0,aws_error/* isAwsError */.m_)(error, 'ClientException', 'InvalidParameterException'))
                throw error;
        }
    }
    try {
        await port.rollBack(arn);
    }
    catch (error) {
        // Finished between the read and the call: the read back says how.
        if (!(0,aws_error/* isAwsError */.m_)(error, 'ConflictException'))
            throw error;
        return 'finished';
    }
    return 'stop-rollback';
}
/** Polls until the deployment is finished or `deadline`; returns the last state read (finished or not). */
async function awaitFinished(port, arn, o) {
    for (;;) {
        const d = await port.describe(arn);
        if (TERMINAL.includes(d.status) || o.clock.now() + o.pollMs > o.deadline)
            return d;
        await o.clock.sleep(o.pollMs, o.signal);
    }
}

;// CONCATENATED MODULE: ./src/engines/ecs/follow.ts
// engine: ecs, once ECS runs the deployment: follow its lifecycle stages as the job's timeline and decide
// at each PAUSE hook. POST_TEST_TRAFFIC_SHIFT: the new revision's targets, the HTTP checks through the
// test rule, the alarms, the smoke test. PRE_PRODUCTION_TRAFFIC_SHIFT (before every canary/linear step):
// the same, plus the production URL once users reach the new revision. POST_PRODUCTION_TRAFFIC_SHIFT: the
// bake, watched. Then CONTINUE, or ROLLBACK with the reason. Between pauses, once production traffic has
// moved, the watch keeps running and a failure stops the deployment with ROLLBACK. ECS owns the weights:
// the action never writes a listener rule here.







/** How often the deployment is read: a PAUSE is acted on within this (or the health-check interval, if shorter). */
const FOLLOW_POLL_MS = 2_000;
/** After SIGINT the runner sends SIGTERM at 7.5 s: the rollback call and a read back must fit before it. */
const CANCEL_READ_BACK_MS = 6_000;
/**
 * Consecutive polls ECS may fail to answer (after the SDK's own retries) before the action stops trusting
 * what it cannot see and rolls back: a short throttling burst must not roll back a healthy release.
 */
const UNREADABLE_POLLS = 3;
/** The timeline row of each stage ECS reports, opened when first seen and closed when the next one is. */
class StageRows {
    deps;
    open;
    constructor(deps) {
        this.deps = deps;
    }
    see(stage, status) {
        const row = stage ? `ECS: ${stage}` : undefined;
        if (row === this.open)
            return;
        if (this.open)
            this.deps.timeline.end(this.open, 'ok');
        this.open = row;
        if (row) {
            this.deps.timeline.begin(row);
            core/* info */.pq(`Service deployment ${status}: stage ${stage}.`);
        }
    }
    close(result, detail) {
        if (this.open)
            this.deps.timeline.end(this.open, result, detail);
        this.open = undefined;
    }
}
/** Consecutive failures per check across the follow loop's ticks (the watch between pauses). */
class Streaks {
    checks;
    intervalMs;
    failures = new Map();
    lastAt = Number.NEGATIVE_INFINITY;
    constructor(checks, intervalMs) {
        this.checks = checks;
        this.intervalMs = intervalMs;
    }
    /** Runs every check if an interval has passed; returns the first whose streak reached its threshold. */
    async tick(now, signal) {
        if (now - this.lastAt < this.intervalMs)
            return undefined;
        this.lastAt = now;
        const verdicts = await Promise.all(this.checks.map((c) => c.run(signal).catch((e) => ({ ok: false, detail: (0,errors/* errorMessage */.gJ)(e) }))));
        signal.throwIfAborted();
        for (const [i, check] of this.checks.entries()) {
            const verdict = verdicts[i];
            if (!verdict)
                continue;
            const streak = verdict.ok ? [] : [...(this.failures.get(check.name) ?? []), `${new Date(now).toISOString()} ${verdict.detail}`];
            this.failures.set(check.name, streak);
            if (!verdict.ok)
                core/* info */.pq(`FAIL ${check.name} (${streak.length}/${check.unhealthyThreshold} in a row): ${verdict.detail}`);
            if (streak.length >= Math.max(1, check.unhealthyThreshold))
                return { check: check.name, results: streak };
        }
        return undefined;
    }
}
/** Follows the deployment to its end: succeeded, rolled back (by the action or by ECS), or failed. */
async function follow(o) {
    const { config, deps, setup, arn } = o;
    const { ports, clock, signal } = deps;
    const pollMs = (0,target_health/* pollInterval */.dq)(config.health.intervalMs, FOLLOW_POLL_MS);
    const rows = new StageRows(deps);
    const answered = new Set();
    const analysis = new BuiltInAnalysis(o);
    const liveChecks = [...productionChecks(o), ...(config.analysis ? [analysis.check] : [])];
    const streaks = new Streaks(liveChecks, config.health.intervalMs);
    const state = { productionMoved: false };
    let stageSince = clock.now();
    let lastStage;
    const rollBack = async (reason, cause) => {
        core/* warning */.$e(`Asking ECS to roll the service deployment back: ${reason}`, { title: 'Rolling back' });
        const how = await requestRollback(ports.deployments, arn);
        core/* info */.pq({
            'continue-rollback': 'ContinueServiceDeployment(ROLLBACK) on the paused hook.',
            'stop-rollback': 'StopServiceDeployment(ROLLBACK).',
            'already-rolling-back': 'ECS was already rolling back.',
            finished: 'ECS had already finished the deployment.',
        }[how]);
        rows.close('rolled back', reason);
        return waitForRollback(reason, cause);
    };
    const waitForRollback = async (reason, cause) => {
        const last = await deps.timeline.run('ECS rolls back', () => awaitFinished(ports.deployments, arn, { deadline: clock.now() + config.waitTimeoutMs, pollMs, clock, signal }));
        state.last = last;
        return settleRolledBack(last, reason, cause, state);
    };
    let unreadable = 0;
    try {
        for (;;) {
            let d;
            try {
                d = await ports.deployments.describe(arn);
                unreadable = 0;
            }
            catch (error) {
                unreadable += 1;
                if (signal.aborted || unreadable >= UNREADABLE_POLLS)
                    throw error;
                core/* warning */.$e(`Could not read the service deployment (${unreadable}/${UNREADABLE_POLLS}): ${(0,errors/* errorMessage */.gJ)(error)}`);
                await clock.sleep(pollMs, signal);
                continue;
            }
            state.last = d;
            rows.see(d.lifecycleStage, d.status);
            if (d.lifecycleStage !== lastStage) {
                lastStage = d.lifecycleStage;
                stageSince = clock.now();
            }
            if ((d.target?.productionWeight ?? 0) > 0 && !state.productionMoved) {
                state.productionMoved = true;
                state.switchedAt = new Date(clock.now()).toISOString();
                await analysis.productionMoved(clock.now());
                core/* info */.pq(`Production traffic reaches the new revision: ${d.target?.productionWeight}% (ECS's requested weight).`);
            }
            if (d.status === 'SUCCESSFUL') {
                rows.close('ok');
                return { end: 'succeeded', ...state };
            }
            if (TERMINAL.includes(d.status)) {
                rows.close('failed', d.statusReason);
                return d.status === 'ROLLBACK_SUCCESSFUL'
                    ? settleRolledBack(d, d.statusReason ?? 'ECS rolled the deployment back', undefined, state)
                    : { end: 'failed', reason: `ECS ended the service deployment ${d.status}${d.statusReason ? `: ${d.statusReason}` : ''}`, ...state };
            }
            if (ROLLING_BACK.includes(d.status)) {
                // ECS decided on its own: a hook timed out, an alarm of its own, a failed stage, someone else's call.
                const reason = d.statusReason ?? d.rollback?.reason ?? `ECS is rolling the deployment back (${d.status})`;
                core/* warning */.$e(`ECS is rolling the service deployment back: ${reason}`, { title: 'ECS rolls back' });
                rows.close('rolled back', reason);
                return await waitForRollback(reason);
            }
            const hook = awaitingPause(d);
            if (hook && !answered.has(hook.hookId)) {
                answered.add(hook.hookId);
                const stage = d.lifecycleStage ?? 'an unknown stage';
                const failure = await gates_gate(o, stage, d, state.productionMoved, analysis);
                if (failure)
                    return await rollBack(`${failure.reason} (at ${stage})`, failure.cause);
                if (o.holdAt === stage) {
                    rows.close('ok', `held for mode: promote (hook ${hook.hookId})`);
                    return { end: 'held', heldHook: hook, ...state };
                }
                await continueAt(o, hook.hookId, stage);
                stageSince = clock.now();
                continue;
            }
            if (state.productionMoved) {
                const failing = await streaks.tick(clock.now(), signal);
                if (failing)
                    return await rollBack(`${failing.check} failed ${failing.results.length} time(s) in a row while production traffic reached the new revision (at ${d.lifecycleStage ?? 'an unknown stage'}): ${failing.results.at(-1) ?? ''}`);
            }
            const allowed = config.waitTimeoutMs + configuredWaitMs(setup, d.lifecycleStage);
            if (!hook && clock.now() - stageSince > allowed) {
                return await rollBack(`ECS stayed in ${d.lifecycleStage ?? d.status} for longer than ${(0,duration/* formatDurationInput */.Y_)(allowed)} (wait-timeout plus the stage's configured bake)`);
            }
            await clock.sleep(pollMs, signal);
        }
    }
    catch (error) {
        if (signal.aborted)
            return rescue(o, rows, state, signal.reason);
        // Anything else half-way (ECS unreadable after the SDK's retries, a gate that could not run): the
        // deployment must not be left to go on unchecked.
        try {
            return await rollBack(`the action could not go on following the deployment: ${(0,errors/* errorMessage */.gJ)(error)}`, error);
        }
        catch (second) {
            rows.close('failed', (0,errors/* errorMessage */.gJ)(second));
            return { end: 'failed', reason: `the action could not follow the deployment (${(0,errors/* errorMessage */.gJ)(error)}) nor roll it back (${(0,errors/* errorMessage */.gJ)(second)}): check it in the ECS console`, cause: error, ...state };
        }
    }
}
/**
 * ContinueServiceDeployment(CONTINUE). A reply lost on the way back makes the SDK send it again, and ECS then
 * answers that the hook is completed: read back, a hook no longer waiting (or a deployment gone past it) is
 * continued, not a failure to roll back for.
 */
async function continueAt(o, hookId, stage) {
    const port = o.deps.ports.deployments;
    try {
        await port.resume(o.arn, hookId, 'CONTINUE');
    }
    catch (error) {
        const now = await port.describe(o.arn);
        const hook = now.hooks.find((h) => h.hookId === hookId);
        const passed = hook ? hook.status === 'SUCCEEDED' : now.lifecycleStage !== stage || !['IN_PROGRESS', 'PENDING'].includes(now.status);
        if (!passed || ROLLING_BACK.includes(now.status))
            throw error;
        const seen = hook ? `the hook ${hook.status}` : `the deployment past it (${now.status}${now.lifecycleStage ? ` at ${now.lifecycleStage}` : ''})`;
        core/* info */.pq(`ContinueServiceDeployment(CONTINUE) at ${stage}: the call failed (${(0,errors/* errorMessage */.gJ)(error)}), but ECS shows ${seen} (read back).`);
        return;
    }
    core/* info */.pq(`ContinueServiceDeployment(CONTINUE) at ${stage}.`);
}
/** The ECS-side waits a stage may contain on top of wait-timeout: the bakes it was configured with. */
function configuredWaitMs(setup, stage) {
    const s = setup.service;
    const minute = 60_000;
    if (stage === 'BAKE_TIME')
        return (s.bakeTimeInMinutes ?? 0) * minute;
    if (stage === 'PRODUCTION_TRAFFIC_SHIFT') {
        if (s.strategy === 'CANARY')
            return (s.canary?.bakeTimeInMinutes ?? 10) * minute;
        if (s.strategy === 'LINEAR')
            return (s.linear?.stepBakeTimeInMinutes ?? 6) * minute;
    }
    return 0;
}
/** After a rollback request or ECS's own: the outcome, from what ECS reports (read back). */
function settleRolledBack(last, reason, cause, state) {
    const finished = last.status === 'ROLLBACK_SUCCESSFUL';
    if (last.status === 'SUCCESSFUL')
        return { end: 'failed', reason: `${reason}; but ECS had already finished the deployment SUCCESSFUL: the new revision is live`, cause, ...state, last };
    if (last.status === 'ROLLBACK_FAILED' || last.status === 'STOPPED') {
        return { end: 'failed', reason: `${reason}; ECS ended the rollback ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''}: check the service in the ECS console`, cause, ...state, last };
    }
    return { end: 'rolled-back', reason, cause, rollbackFinished: finished, ...state, last };
}
/**
 * The job was cancelled: roll the deployment back within the runner's window (7.5 s to SIGTERM), with the
 * rescue ports' short timeouts, and report what ECS shows then (read back): post checks the rest.
 */
async function rescue(o, rows, state, cause) {
    const { deps, arn } = o;
    const ports = deps.rescuePorts?.() ?? deps.ports;
    const at = cause instanceof errors/* Cancelled */.cJ ? cause.at : Date.now();
    const reason = `the job was cancelled (${cause instanceof errors/* Cancelled */.cJ ? cause.signal : 'signal'})`;
    rows.close('cancelled', reason);
    try {
        const how = await requestRollback(ports.deployments, arn);
        core/* warning */.$e(`Cancelled: ${how === 'finished' ? 'ECS had already finished the service deployment' : how === 'already-rolling-back' ? 'ECS was already rolling it back' : 'the service deployment is being rolled back'}.`, { title: 'Cancelled' });
        let last = await ports.deployments.describe(arn);
        // A short read back, with real time: the deps' clock sleeps on the aborted signal.
        while (!TERMINAL.includes(last.status) && Date.now() < at + CANCEL_READ_BACK_MS) {
            await new Promise((r) => setTimeout(r, 500));
            last = await ports.deployments.describe(arn);
        }
        state.last = last;
        return settleRolledBack(last, reason, cause, state);
    }
    catch (error) {
        return { end: 'failed', reason: `${reason} and the rollback could not be requested (${(0,errors/* errorMessage */.gJ)(error)}): the post step tries again; check the deployment in the ECS console`, cause, ...state };
    }
}

// EXTERNAL MODULE: ./src/flow/deployment-controller.ts
var deployment_controller = __webpack_require__(9270);
;// CONCATENATED MODULE: ./src/engines/ecs/service.ts
// engine: ecs, before anything moves: read the one service and check it is set up for ECS's built-in
// blue/green the way the action can gate it — the ECS controller, a BLUE_GREEN/CANARY/LINEAR strategy,
// one load balancer with its advancedConfiguration, a PAUSE hook at POST_TEST_TRAFFIC_SHIFT, a test rule
// when health-check-url must reach the new revision, and a production rule AWS can rewrite. Every
// problem is listed at once, as an input error on `service` that says what to change.





/** The deployment strategies with lifecycle stages the action can gate. */
const STRATEGIES = ['BLUE_GREEN', 'CANARY', 'LINEAR'];
/** A GitHub-hosted job ends after 6 h: a PAUSE hook that waits longer outlives the job that gates it. */
const HOSTED_JOB_LIMIT_MINUTES = 360;
async function readBuiltInService(config, deps) {
    const { ports, timeline } = deps;
    const name = requireService(config);
    return timeline.run('Check the service', async () => {
        const service = await ports.deployments.describeService(config.cluster, name);
        const lb = service.loadBalancers[0];
        const productionActions = lb?.productionListenerRule?.includes(':listener-rule/') ? await ports.elb.readActions({ kind: 'rule', arn: lb.productionListenerRule }) : undefined;
        const setup = checkBuiltInService(config, service, productionActions);
        warnAboutHooks(config, service.hooks);
        core/* info */.pq(`${service.serviceName}: ${service.strategy}${strategyDetail(service)}, PAUSE hooks at ${[...setup.pauseStages].join(', ')}; the new revision starts in ${setup.newTargetGroup.split('/')[1] ?? setup.newTargetGroup}.`);
        return setup;
    });
}
function requireService(config) {
    if (!config.service)
        throw new Error('engine: ecs ran without a service: a bug in readConfig');
    return config.service;
}
/** The configuration problems, each with its fix; throws one InputError listing them all. */
function checkBuiltInService(config, service, productionActions) {
    const problems = [];
    if (service.controller !== 'ECS') {
        problems.push(`its deploymentController.type is ${service.controller}: set it to ECS (built-in blue/green runs only under the ECS controller; UpdateService cannot change the task definition of a service on the ${service.controller} controller: ${(0,deployment_controller/* deployedInstead */.J)(service.controller)}, or move it to the ECS controller)`);
    }
    if (!STRATEGIES.includes(service.strategy))
        problems.push(`its deploymentConfiguration.strategy is ${service.strategy}: set it to BLUE_GREEN, CANARY or LINEAR`);
    const [lb, ...more] = service.loadBalancers;
    if (!lb)
        problems.push('it has no load balancer: give it one loadBalancers entry with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn)');
    if (more.length > 0)
        problems.push(`it has ${service.loadBalancers.length} load balancers: engine: ecs gates one (one target group pair behind one production rule)`);
    if (lb && (!lb.alternateTargetGroupArn || !lb.productionListenerRule)) {
        problems.push('its load balancer has no advancedConfiguration: set alternateTargetGroupArn, productionListenerRule (the listener rule ARN ECS rewrites), testListenerRule and roleArn');
    }
    if (lb?.productionListenerRule && !lb.productionListenerRule.includes(':listener-rule/app/')) {
        problems.push(`its productionListenerRule ${lb.productionListenerRule} is not an Application Load Balancer listener rule ARN: engine: ecs gates ALB services (give the rule ARN, e.g. the listener's default rule)`);
    }
    const pauseStages = new Set(service.hooks.filter((h) => h.targetType === 'PAUSE').flatMap((h) => h.stages));
    if (!pauseStages.has('POST_TEST_TRAFFIC_SHIFT')) {
        problems.push('it has no PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT: add {targetType: PAUSE, lifecycleStages: [POST_TEST_TRAFFIC_SHIFT], timeoutConfiguration: {timeoutInMinutes: 60, action: ROLLBACK}} to deploymentConfiguration.lifecycleHooks — it is where the new revision waits, with test traffic only, for the action to check it');
    }
    if (config.health.url && lb && !lb.testListenerRule) {
        problems.push(`it has no testListenerRule, so health-check-url (${config.health.url}) cannot reach the new revision before users do: add a test listener rule to advancedConfiguration and give its address as health-check-url, or leave health-check-url out`);
    }
    const mixed = (productionActions ?? []).filter((a) => a.Type !== 'forward').map((a) => a.Type ?? '?');
    if (mixed.length > 0) {
        problems.push(`its production listener rule mixes forward with ${mixed.join(', ')}: AWS documents that built-in blue/green does not support rules combining forward with authenticate, redirect or fixed-response actions (the deployment fails at the traffic shift). Move those actions to another rule, or use engine: pair`);
    }
    problems.push(...analysisWindowProblems(config, service));
    if (problems.length > 0) {
        throw new errors/* InputError */.dz('service', config.service ?? service.serviceName, `a service set up for ECS's built-in blue/green; this one cannot be gated: ${problems.join('; ')}`);
    }
    const ready = lb;
    return {
        service,
        newTargetGroup: ready.alternateTargetGroupArn,
        liveTargetGroup: ready.targetGroupArn,
        productionRule: ready.productionListenerRule,
        ...(ready.testListenerRule ? { testRule: ready.testListenerRule } : {}),
        pauseStages,
    };
}
/**
 * `mode: prepare` leaves the deployment waiting at the `stage` hook for an approval: a hook that continues on
 * timeout would send the prepared release to users unapproved. Refused before any change; the time the hook
 * gives the approval is said.
 */
function requireHoldable(config, setup, stage) {
    const hooks = setup.service.hooks.filter((h) => h.targetType === 'PAUSE' && h.stages.includes(stage));
    const continuing = hooks.filter((h) => h.timeoutAction === 'CONTINUE');
    if (continuing.length > 0) {
        throw new errors/* InputError */.dz('mode', 'prepare', `a service whose PAUSE hook at ${stage} rolls back when it times out: this one continues (timeoutConfiguration.action CONTINUE), so a prepared release would reach users unapproved when the approval takes longer than ${continuing[0]?.timeoutInMinutes ?? '?'} minutes. Set timeoutConfiguration.action to ROLLBACK`);
    }
    const minutes = Math.min(...hooks.map((h) => h.timeoutInMinutes));
    core/* info */.pq(`mode: prepare: the ${stage} hook waits up to ${minutes} minutes for mode: promote, then rolls the deployment back.`);
}
/**
 * The hook's own timeout must never be the safety net: a job that died leaves the deployment paused
 * until then, and a CONTINUE on timeout lets it go on to production unchecked.
 */
function warnAboutHooks(config, hooks) {
    for (const hook of hooks.filter((h) => h.targetType === 'PAUSE')) {
        const where = hook.stages.join(', ');
        if (hook.timeoutInMinutes > HOSTED_JOB_LIMIT_MINUTES) {
            core/* warning */.$e(`The PAUSE hook at ${where} waits up to ${hook.timeoutInMinutes} minutes (timeoutConfiguration.timeoutInMinutes${hook.timeoutInMinutes === 1440 ? ', ECS\'s default' : ''}), longer than a GitHub-hosted job can live (6 h). ` +
                `If the job dies and its post step cannot act, the deployment stays paused that long and then ${hook.timeoutAction === 'CONTINUE' ? 'continues' : 'rolls back'}. Set timeoutConfiguration.timeoutInMinutes to at most ${HOSTED_JOB_LIMIT_MINUTES} (e.g. 60).`, { title: 'PAUSE hook outlives the job' });
        }
        // Every PAUSE is an approval point the action answers (builtin-gates.ts): a timeout must never approve it.
        if (hook.timeoutAction === 'CONTINUE') {
            core/* warning */.$e(`The PAUSE hook at ${where} continues when it times out (timeoutConfiguration.action CONTINUE): if this job dies, ECS moves on unchecked. Set timeoutConfiguration.action to ROLLBACK.`, { title: 'PAUSE hook continues on timeout' });
        }
        if (hook.stages.includes('POST_PRODUCTION_TRAFFIC_SHIFT') && config.bakeTimeMs >= hook.timeoutInMinutes * 60_000) {
            core/* warning */.$e(`bake-time (${(0,duration/* formatDurationInput */.Y_)(config.bakeTimeMs)}) is not shorter than the POST_PRODUCTION_TRAFFIC_SHIFT hook's timeout (${hook.timeoutInMinutes} minutes): ECS would time the hook out (${hook.timeoutAction}) before the bake ends. Shorten bake-time or lengthen timeoutConfiguration.timeoutInMinutes.`, { title: 'bake-time longer than the hook' });
        }
    }
}
function strategyDetail(s) {
    if (s.strategy === 'CANARY' && s.canary)
        return ` (${s.canary.percent}% for ${s.canary.bakeTimeInMinutes} min, then 100%)`;
    if (s.strategy === 'LINEAR' && s.linear)
        return ` (${s.linear.stepPercent}% steps, ${s.linear.stepBakeTimeInMinutes} min apart)`;
    return '';
}

// EXTERNAL MODULE: ./src/flow/context.ts
var context = __webpack_require__(4227);
// EXTERNAL MODULE: ./src/flow/lock.ts
var flow_lock = __webpack_require__(5149);
// EXTERNAL MODULE: ./src/flow/migration-task.ts
var migration_task = __webpack_require__(1764);
// EXTERNAL MODULE: ./src/flow/task-definition.ts
var task_definition = __webpack_require__(6569);
;// CONCATENATED MODULE: ./src/engines/ecs/deploy.ts
// engine: ecs, mode deploy — ECS's built-in blue/green on one service, with the action as its gatekeeper,
// top to bottom as the deployment happens: check the service → refuse a deployment already in flight →
// lock (when a state parameter is given) → register the task definition → the team's pre-deploy command
// and task → UpdateService with the task definition only → find the service deployment → follow it,
// deciding at each PAUSE (builtin-follow.ts) → record the live task definition → post-deploy-command.
// ECS moves the weights and scales the old revision down; the action never writes a listener rule here.














async function builtInDeploy(config, deps) {
    return builtInRun(config, deps, {});
}
/**
 * The deploy, also used by `mode: rollback` after a finished deployment (the previous revision's task
 * definition goes through the same gates): `release` then replaces the task-definition input.
 */
async function builtInRun(config, deps, release) {
    const notes = (0,context/* newNotes */.K)();
    const phase = (p) => deps.state.save(src_state/* StateKey */.zv.Phase, p);
    phase('started');
    const setup = await readBuiltInService(config, deps);
    if (release.holdAt)
        requireHoldable(config, setup, release.holdAt);
    await refuseInFlight(config, deps);
    const lock = await (0,flow_lock/* holdLock */.xH)(config, deps, notes.notes);
    if (lock)
        phase('locked');
    try {
        return await deployThrough(config, deps, notes, setup, release);
    }
    finally {
        await (0,flow_lock/* letGoOfLock */.iN)(lock, deps);
    }
}
async function deployThrough(config, deps, notes, setup, release) {
    const { ports, clock, timeline, state } = deps;
    const service = requireService(config);
    const phase = (p) => state.save(src_state/* StateKey */.zv.Phase, p);
    const resolved = release.taskDefinitionArn
        ? { description: `${release.taskDefinitionArn} (${release.why ?? 'given'})`, images: [], existingArn: release.taskDefinitionArn }
        : await (0,task_definition/* resolveTaskDefinition */.Fh)(ports.ecs, config, setup.service.taskDefinitionArn);
    notes.release = { description: resolved.description, images: resolved.images };
    if (config.dryRun) {
        notes.plan = planLines(config, setup, resolved.description);
        core/* info */.pq(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
        return { outcome: { status: 'no-op', taskDefinitionArn: setup.service.taskDefinitionArn, rolledBack: false }, notes };
    }
    const taskDefinitionArn = 'existingArn' in resolved ? resolved.existingArn : await timeline.run('Register the task definition', () => (0,task_definition/* materialise */.fq)(ports.ecs, resolved));
    notes.release = { description: resolved.description, images: resolved.images, taskDefinitionArn };
    const base = { taskDefinitionArn, rolledBack: false };
    refuseNoDeployment(config, setup, taskDefinitionArn);
    try {
        await (0,commands/* runTeamCommand */.QD)(config, deps, notes, 'pre-deploy', commandContext({ config, taskDefinitionArn }));
        if (config.commands.preDeployTask)
            await (0,migration_task/* runMigrationTask */.h)(config, deps, await ports.ecs.describeService(config.cluster, service), taskDefinitionArn);
    }
    catch (error) {
        phase('settled');
        return { outcome: { status: 'failed', ...base }, notes, error: withOutput(error instanceof Error ? error : new Error((0,errors/* errorMessage */.gJ)(error)), error), errorTitle: `Deploy of ${service} stopped before it started: nothing changed` };
    }
    deps.records?.start({ task: release.task ?? 'deploy', colour: service, taskDefinitionArn });
    // From the UpdateService call on, post must be able to find the deployment even if main dies now.
    const saved = { cluster: config.cluster, service, startedAfter: clock.now() - 1_000 };
    (0,src_state/* saveJson */.oG)(state, src_state/* StateKey */.zv.ServiceDeployment, saved);
    phase('deploying');
    const arn = await timeline.run(`Start the deployment of ${service}`, async () => {
        // The task definition only: re-sending loadBalancers would undo ECS's swap of the target groups.
        await ports.ecs.updateService(config.cluster, service, { taskDefinitionArn, ...(0,task_definition/* deploySettings */.$Y)(config) });
        return findDeployment(config, deps, service, saved.startedAfter, taskDefinitionArn);
    });
    (0,src_state/* saveJson */.oG)(state, src_state/* StateKey */.zv.ServiceDeployment, { ...saved, arn });
    core/* info */.pq(`Service deployment: ${arn} (${setup.service.strategy}).`);
    const followed = await follow({ config, deps, notes, setup, arn, taskDefinitionArn, ...(release.holdAt ? { holdAt: release.holdAt } : {}) });
    return settleFollowed(config, deps, notes, followed, { taskDefinitionArn, arn });
}
/** How the deployment ended, as the run reports it: live, held for promote, rolled back (read back), or failed. */
async function settleFollowed(config, deps, notes, followed, run) {
    const service = requireService(config);
    const phase = (p) => deps.state.save(src_state/* StateKey */.zv.Phase, p);
    const { taskDefinitionArn, arn } = run;
    const base = { taskDefinitionArn, rolledBack: false };
    const outcome = { ...base, serviceDeploymentArn: arn, ...(followed.switchedAt ? { switchedAt: followed.switchedAt } : {}) };
    if (followed.end === 'held')
        return held(deps, notes, service, outcome, followed);
    if (followed.end === 'succeeded')
        return succeeded(config, deps, notes, outcome);
    phase(followed.end === 'rolled-back' && !followed.rollbackFinished ? 'rolling-back' : 'settled');
    if (followed.end === 'failed') {
        return { outcome: { status: 'failed', ...outcome }, notes, error: withOutput(new Error(followed.reason ?? 'The service deployment failed.'), followed.cause), errorTitle: `Deploy of ${service} failed` };
    }
    const reason = followed.reason ?? 'rolled back';
    await (0,commands/* runRollbackCommand */.r0)(config, deps, notes, { ...commandContext({ config, taskDefinitionArn }), rollbackReason: reason });
    return {
        outcome: { ...outcome, status: 'rolled-back', rolledBack: true, rollbackReason: reason },
        notes,
        error: withOutput(new Error(rolledBackMessage(service, reason, followed)), followed.cause),
        errorTitle: followed.rollbackFinished ? `Rolled back ${service}` : `Rolling back ${service}: not finished`,
    };
}
/**
 * `mode: prepare`: the gate at POST_TEST_TRAFFIC_SHIFT passed and its hook waits for `mode: promote`. Nothing is
 * half-done — the paused deployment is what prepare leaves — so post is told to leave it alone.
 */
function held(deps, notes, service, outcome, followed) {
    deps.state.save(src_state/* StateKey */.zv.ServiceDeployment, '');
    deps.state.save(src_state/* StateKey */.zv.Phase, 'settled');
    const hook = followed.heldHook;
    const until = hook?.expiresAt ? ` before ${new Date(hook.expiresAt).toISOString()}, when ECS times the hook out (${hook.timeoutAction ?? 'ROLLBACK'})` : '';
    const message = `${service}'s service deployment ${outcome.serviceDeploymentArn} waits at POST_TEST_TRAFFIC_SHIFT with the gate passed: the new revision runs ${outcome.taskDefinitionArn} ` +
        `with the test traffic and no user reaches it. To go live, run mode: promote with expected-task-definition-arn: ${outcome.taskDefinitionArn}${until}.`;
    core/* notice */.lm(message, { title: `Prepared ${service}; users stay on the previous revision` });
    notes.notes.push(message);
    return { outcome: { status: 'succeeded', ...outcome }, notes };
}
/** ECS reported SUCCESSFUL: record it, then the team's command after the deploy. */
async function succeeded(config, deps, notes, outcome) {
    const service = requireService(config);
    deps.state.save(src_state/* StateKey */.zv.Phase, 'settled');
    if (config.stateParameter) {
        try {
            await deps.ports.ssm.put(config.stateParameter, outcome.taskDefinitionArn, `Live task definition of ECS service ${service}`);
        }
        catch (error) {
            core/* warning */.$e(`The deploy succeeded, but ${config.stateParameter} could not be written: ${(0,errors/* errorMessage */.gJ)(error)}`);
            notes.notes.push(`${config.stateParameter} was not updated: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    }
    try {
        await (0,commands/* runTeamCommand */.QD)(config, deps, notes, 'post-deploy', commandContext({ config, taskDefinitionArn: outcome.taskDefinitionArn }));
    }
    catch (error) {
        return {
            outcome: { status: 'failed', ...outcome },
            notes,
            error: withOutput(new Error(`${service} runs ${outcome.taskDefinitionArn} (ECS finished the deployment SUCCESSFUL and scaled the previous revision down); only the command after it failed: ${(0,errors/* errorMessage */.gJ)(error)}.`), error),
            errorTitle: `Deployed ${service}, but post-deploy-command failed`,
        };
    }
    return { outcome: { status: 'succeeded', ...outcome }, notes };
}
function rolledBackMessage(service, reason, f) {
    const traffic = f.productionMoved ? 'production traffic had reached the new revision and is back on the previous one' : 'no production traffic had reached the new revision';
    const read = f.last ? `ECS reports the deployment ${f.last.status}${f.last.lifecycleStage ? ` (stage ${f.last.lifecycleStage})` : ''}, read back` : 'ECS could not be read back';
    const end = f.rollbackFinished ? '' : ': the rollback had not finished when the action stopped waiting — check the service, post looks again';
    return `Rolled back the deployment of ${service}: ${reason}. ${traffic[0]?.toUpperCase()}${traffic.slice(1)}; ${read}${end}.`;
}
/**
 * ECS starts no service deployment for the task definition the service already runs: the run would wait out
 * wait-timeout for one. Refused before the first change, unless force-new-deployment asks for new tasks of it.
 */
function refuseNoDeployment(config, setup, taskDefinitionArn) {
    if (config.forceNewDeployment || taskDefinitionArn !== setup.service.taskDefinitionArn)
        return;
    throw new errors/* InputError */.dz('task-definition', taskDefinitionArn, `a task definition other than the one ${setup.service.serviceName} runs already: ECS starts no deployment for it. Set force-new-deployment: true to start new tasks of it anyway (a new image behind the same tag, say)`);
}
/** Refused before any change: a new deployment would supersede one in flight (and its hooks). */
async function refuseInFlight(config, deps) {
    const service = requireService(config);
    const [running] = await deps.ports.deployments.list(config.cluster, service, { statuses: IN_FLIGHT });
    if (!running)
        return;
    const d = await deps.ports.deployments.describe(running.arn);
    throw new Error(`Service deployment ${running.arn} of ${service} is ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}: a new deployment would supersede it. Wait for it to finish, or roll it back with mode: rollback, then deploy again.`);
}
/**
 * UpdateService returns no deployment ARN that AWS documents as this call's: the newest deployment in flight
 * created after the call began, whose target revision runs this task definition, is this run's (the lock and
 * the in-flight refusal keep others out). ECS may take a moment to list it.
 */
async function findDeployment(config, deps, service, startedAfter, taskDefinitionArn) {
    const { ports, clock, signal } = deps;
    const deadline = clock.now() + config.waitTimeoutMs;
    const pollMs = (0,target_health/* pollInterval */.dq)(config.health.intervalMs, FOLLOW_POLL_MS);
    for (;;) {
        const candidates = await ports.deployments.list(config.cluster, service, { statuses: IN_FLIGHT, createdAfter: startedAfter - 60_000 });
        for (const c of candidates) {
            if (!c.targetRevisionArn || (await ports.deployments.revisionTaskDefinition(c.targetRevisionArn)) === taskDefinitionArn)
                return c.arn;
        }
        if (clock.now() + pollMs > deadline) {
            throw new Error(`ECS listed no service deployment of ${taskDefinitionArn} for ${service} within wait-timeout (${(0,duration/* formatDurationInput */.Y_)(config.waitTimeoutMs)}) after UpdateService: check the service's deployments in the ECS console.`);
        }
        await clock.sleep(pollMs, signal);
    }
}
function planLines(config, setup, release) {
    const s = setup.service;
    return [
        `Service ${s.serviceName}: ${s.strategy}, runs ${s.taskDefinitionArn}; the new revision starts in ${setup.newTargetGroup}.`,
        `Task definition: ${release}.`,
        ...(config.commands.preDeploy ? ['Run pre-deploy-command.'] : []),
        ...(config.commands.preDeployTask ? [`Run a one-off task with pre-deploy-task-command ${JSON.stringify(config.commands.preDeployTask)}.`] : []),
        `UpdateService with the task definition only; follow the service deployment (each wait on ECS up to ${(0,duration/* formatDurationInput */.Y_)(config.waitTimeoutMs)}).`,
        `At POST_TEST_TRAFFIC_SHIFT: the new revision's targets${config.health.url ? `, ${config.health.healthyThreshold} passes of ${config.health.url}` : ''}${config.alarms.length ? ', the alarms' : ''}${config.commands.smokeTest ? ', smoke-test-command' : ''}; then CONTINUE or ROLLBACK.`,
        ...(setup.pauseStages.has('PRE_PRODUCTION_TRAFFIC_SHIFT') ? ['At each PRE_PRODUCTION_TRAFFIC_SHIFT: the same checks, and the production URL once it serves the new revision.'] : []),
        setup.pauseStages.has('POST_PRODUCTION_TRAFFIC_SHIFT')
            ? `At POST_PRODUCTION_TRAFFIC_SHIFT: hold for bake-time (${(0,duration/* formatDurationInput */.Y_)(config.bakeTimeMs)}) while watching, then CONTINUE (ECS bakes ${s.bakeTimeInMinutes ?? 0} min more).`
            : `Watch through ECS's own bake (${s.bakeTimeInMinutes ?? 0} min) until SUCCESSFUL.`,
        ...(config.stateParameter ? [`Record the live task definition in ${config.stateParameter}.`] : []),
        ...(config.commands.postDeploy ? ['Run post-deploy-command.'] : []),
    ];
}
/** A failed command's last output lines, after the error's own story (the annotation shows both). */
function withOutput(error, cause) {
    if (!(cause instanceof errors/* CommandFailed */.nk) || cause.lastLines.length === 0)
        return error;
    return new Error(`${error.message}\nLast ${cause.lastLines.length} line(s) of ${cause.input}:\n${cause.lastLines.join('\n')}`);
}

;// CONCATENATED MODULE: ./src/engines/ecs/modes.ts
// engine: ecs, modes rollback and status. Rollback: a deployment in flight is rolled back by ECS (the
// action asks and waits for ROLLBACK_SUCCESSFUL); after a finished one, the previous revision's task
// definition is deployed again through the same gates as any release. Status: the newest deployment, its
// stage, revisions, weights and the PAUSE hooks waiting for an answer — read only.









async function builtInRollback(config, deps) {
    const { ports, timeline, clock, signal } = deps;
    const service = requireService(config);
    const notes = (0,context/* newNotes */.K)();
    const [newest] = await timeline.run('Find the newest deployment', () => ports.deployments.list(config.cluster, service));
    if (newest && IN_FLIGHT.includes(newest.status)) {
        // No lock: the run that holds it is the one being rolled back, and ECS takes one decision per deployment.
        if (config.dryRun) {
            notes.plan = [`Roll back service deployment ${newest.arn} (${newest.status}) and wait up to ${Math.round(config.waitTimeoutMs / 1000)} s for ECS to finish.`];
            return { outcome: { status: 'no-op', serviceDeploymentArn: newest.arn, rolledBack: false }, notes };
        }
        deps.state.save(src_state/* StateKey */.zv.Phase, 'rolling-back');
        const how = await timeline.run(`Roll back ${newest.arn.split('/').pop() ?? newest.arn}`, () => requestRollback(ports.deployments, newest.arn));
        core/* info */.pq(`Rollback requested (${how}); waiting for ECS.`);
        const last = await timeline.run('ECS rolls back', () => awaitFinished(ports.deployments, newest.arn, { deadline: clock.now() + config.waitTimeoutMs, pollMs: (0,target_health/* pollInterval */.dq)(config.health.intervalMs, FOLLOW_POLL_MS), clock, signal }));
        deps.state.save(src_state/* StateKey */.zv.Phase, 'settled');
        const base = { serviceDeploymentArn: newest.arn };
        if (last.status === 'ROLLBACK_SUCCESSFUL') {
            notes.notes.push(`Service deployment ${newest.arn} rolled back: ECS reports ROLLBACK_SUCCESSFUL (read back).`);
            return { outcome: { status: 'succeeded', ...base, rolledBack: true, rollbackReason: 'mode: rollback' }, notes };
        }
        return {
            outcome: { status: 'failed', ...base, rolledBack: false },
            notes,
            error: new Error(`Asked ECS to roll back ${newest.arn}; it reports ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''} after wait-timeout (read back)${last.status === 'SUCCESSFUL' ? ': it had already finished, and the new revision is live — run mode: rollback again to deploy the previous one' : ''}.`),
            errorTitle: `Rollback of ${service} not confirmed`,
        };
    }
    // Finished: going back means deploying the previous revision again (ECS keeps no other way back).
    const successful = (await ports.deployments.list(config.cluster, service, { statuses: ['SUCCESSFUL'] }))[0];
    if (!successful)
        throw new Error(`${service} has no successful service deployment to roll back from (ECS lists deployments of the last 90 days): deploy the task definition you want with mode: deploy.`);
    const d = await ports.deployments.describe(successful.arn);
    const source = d.sources[0]?.arn;
    if (!source)
        throw new Error(`Service deployment ${successful.arn} names no source revision to go back to: deploy the task definition you want with mode: deploy.`);
    const previous = await ports.deployments.revisionTaskDefinition(source);
    core/* info */.pq(`The newest finished deployment ${successful.arn} replaced ${previous}: deploying it again, through the same gates.`);
    const result = await builtInRun(config, deps, { taskDefinitionArn: previous, why: `the revision before ${successful.arn}`, task: 'deploy:rollback' });
    return result.outcome.status === 'succeeded' ? { ...result, outcome: { ...result.outcome, rolledBack: true, rollbackReason: 'mode: rollback' } } : result;
}
async function builtInStatus(config, deps) {
    const { ports, timeline } = deps;
    const service = requireService(config);
    const notes = (0,context/* newNotes */.K)();
    const svc = await timeline.run('Read the service', () => ports.deployments.describeService(config.cluster, service));
    try {
        checkBuiltInService(config, svc, undefined);
    }
    catch (error) {
        notes.notes.push(`Not ready for engine: ecs deploys: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    const lines = [`${svc.serviceName}: ${svc.strategy}, ${svc.runningCount}/${svc.desiredCount} tasks running ${svc.taskDefinitionArn}.`];
    lines.push(`PAUSE hooks: ${svc.hooks.filter((h) => h.targetType === 'PAUSE').map((h) => `${h.stages.join('+')} (timeout ${h.timeoutInMinutes} min → ${h.timeoutAction})`).join(', ') || 'none'}.`);
    const [newest] = await ports.deployments.list(config.cluster, service);
    let d;
    if (newest) {
        d = await ports.deployments.describe(newest.arn);
        lines.push(...describeDeployment(d));
    }
    else
        lines.push('No service deployment in the last 90 days.');
    for (const l of lines)
        core/* info */.pq(l);
    notes.notes.push(...lines);
    return { outcome: { status: 'no-op', taskDefinitionArn: svc.taskDefinitionArn, ...(newest ? { serviceDeploymentArn: newest.arn } : {}), rolledBack: false }, notes };
}
function describeDeployment(d) {
    const weights = (r) => `${r.arn.split('/').pop() ?? r.arn}: production ${r.productionWeight ?? '?'}%, test ${r.testWeight ?? '?'}%, ${r.runningTaskCount ?? '?'}/${r.requestedTaskCount ?? '?'} tasks`;
    const pending = d.hooks.filter((h) => h.status === 'AWAITING_ACTION');
    return [
        `Newest deployment ${d.arn}: ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}${d.statusReason ? ` (${d.statusReason})` : ''}.`,
        ...(d.target ? [`New revision ${weights(d.target)}.`] : []),
        ...d.sources.map((s) => `Previous revision ${weights(s)}.`),
        ...pending.map((h) => `Waiting: ${h.targetType} hook ${h.hookId}${h.expiresAt ? ` until ${new Date(h.expiresAt).toISOString()} (then ${h.timeoutAction ?? 'ROLLBACK'})` : ''}.`),
    ];
}

;// CONCATENATED MODULE: ./src/engines/ecs/approval.ts
// engine: ecs, a human approval between the test traffic and production: `mode: prepare` starts the service
// deployment as a deploy does and stops at the POST_TEST_TRAFFIC_SHIFT pause once its gate passed, leaving the
// hook waiting (users stay on the previous revision; reviewers can look at the new one through the test rule);
// `mode: promote`, typically in a job GitHub's required reviewers gate, finds exactly that deployment still
// waiting there, checks the new revision again and continues the hook, then follows the deployment as a deploy
// does. A promote that finds anything else — no deployment in flight, its hook timed out, another release, a
// deployment past the pause — says what it found and changes nothing.









/** Where `mode: prepare` leaves the deployment, and `mode: promote` expects it. */
const APPROVAL_STAGE = 'POST_TEST_TRAFFIC_SHIFT';
function builtInPrepare(config, deps) {
    return builtInRun(config, deps, { holdAt: APPROVAL_STAGE });
}
async function builtInPromote(config, deps) {
    const { state, timeline, clock } = deps;
    const service = requireService(config);
    const expected = config.expectedTaskDefinitionArn ?? '';
    const notes = (0,context/* newNotes */.K)();
    state.save(src_state/* StateKey */.zv.Phase, 'started');
    const setup = await readBuiltInService(config, deps);
    const prepared = await timeline.run('Find the prepared deployment', () => findPrepared(config, deps, service, expected));
    notes.release = { description: `${expected} (prepared in ${prepared.arn})`, images: [], taskDefinitionArn: expected };
    if (config.dryRun) {
        notes.plan = [
            `${prepared.arn} waits at ${APPROVAL_STAGE} with ${expected}.`,
            `Check the new revision again (its targets, the test rule's health check, the alarms${config.commands.smokeTest ? ', smoke-test-command' : ''}), then CONTINUE and follow the deployment to SUCCESSFUL, rolling it back on any failure.`,
        ];
        core/* info */.pq(['Dry run: nothing will be changed. The plan:', ...notes.plan.map((l) => `  ${l}`)].join('\n'));
        return { outcome: { status: 'no-op', taskDefinitionArn: expected, serviceDeploymentArn: prepared.arn, rolledBack: false }, notes };
    }
    const lock = await (0,flow_lock/* holdLock */.xH)(config, deps, notes.notes);
    if (lock)
        state.save(src_state/* StateKey */.zv.Phase, 'locked');
    try {
        deps.records?.start({ task: 'deploy', colour: service, taskDefinitionArn: expected });
        // From here on, a run that dies leaves post a deployment to roll back, as a deploy's would.
        (0,src_state/* saveJson */.oG)(state, src_state/* StateKey */.zv.ServiceDeployment, { cluster: config.cluster, service, startedAfter: prepared.createdAt ?? clock.now(), arn: prepared.arn });
        state.save(src_state/* StateKey */.zv.Phase, 'deploying');
        // The waiting hook is the first pause follow meets: it checks the new revision again, then answers it.
        const followed = await follow({ config, deps, notes, setup, arn: prepared.arn, taskDefinitionArn: expected });
        return await settleFollowed(config, deps, notes, followed, { taskDefinitionArn: expected, arn: prepared.arn });
    }
    finally {
        await (0,flow_lock/* letGoOfLock */.iN)(lock, deps);
    }
}
/** The deployment `mode: prepare` left, still waiting at the approval stage with the expected release; refuses, naming what it found, otherwise. */
async function findPrepared(config, deps, service, expected) {
    const port = deps.ports.deployments;
    const again = 'Nothing was changed. Run mode: prepare again for the release you want, then promote what it reports.';
    const [newest] = await port.list(config.cluster, service);
    if (!newest)
        throw new errors/* PreparedStateChanged */.BD(`${service} has no service deployment: nothing was prepared. ${again}`);
    const d = await port.describe(newest.arn);
    const why = d.statusReason ? ` (${d.statusReason})` : '';
    const timedOut = d.hooks.find((h) => h.status === 'TIMED_OUT');
    if (timedOut) {
        throw new errors/* PreparedStateChanged */.BD(`The prepared deployment ${d.arn} of ${service} is ${d.status}${why}: its ${APPROVAL_STAGE} hook timed out${timedOut.expiresAt ? ` at ${new Date(timedOut.expiresAt).toISOString()}` : ''} before this promote. ${again}`);
    }
    if (!IN_FLIGHT.includes(d.status)) {
        throw new errors/* PreparedStateChanged */.BD(`The newest service deployment of ${service}, ${d.arn}, is ${d.status}${why}: no prepared release waits for promote (it was rolled back, stopped or finished). ${again}`);
    }
    const runs = d.target ? await port.revisionTaskDefinition(d.target.arn) : undefined;
    if (runs !== expected) {
        throw new errors/* PreparedStateChanged */.BD(`The service deployment in flight for ${service}, ${d.arn}, deploys ${runs ?? 'an unknown task definition'}, not the prepared ${expected}: another release started since. ${again}`);
    }
    if (d.lifecycleStage !== APPROVAL_STAGE || !awaitingPause(d)) {
        throw new errors/* PreparedStateChanged */.BD(`The prepared deployment ${d.arn} of ${service} is ${d.status} at ${d.lifecycleStage ?? 'an unknown stage'} with no hook waiting at ${APPROVAL_STAGE}: it is not where prepare left it (someone answered the hook, or ECS moved on). ${again}`);
    }
    core/* info */.pq(`${d.arn} waits at ${APPROVAL_STAGE} with ${expected}, as prepared.`);
    return d;
}

;// CONCATENATED MODULE: ./src/engines/ecs/modes-chunk.ts
// engine: ecs as run.ts loads it: one module (one chunk) holding its five modes, so a pair deploy's start-up
// carries none of it and the chunks do not each repeat the shared parts.





/***/ })

};
