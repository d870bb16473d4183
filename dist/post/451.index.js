export const id = 451;
export const ids = [451];
export const modules = {

/***/ 9373:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
/** The real clock. Built on Date.now and setTimeout so jest's fake timers drive it in tests. */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(signal.reason);
            return;
        }
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};


/***/ }),

/***/ 1451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  postBuiltIn: () => (/* binding */ postBuiltIn)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(1078);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
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

// EXTERNAL MODULE: ./src/flow/lock.ts + 1 modules
var lock = __webpack_require__(745);
// EXTERNAL MODULE: ./src/clock.ts
var clock = __webpack_require__(9373);
;// CONCATENATED MODULE: ./src/engines/ecs/post.ts
// engine: ecs, the post step: if main ended (cancelled, crashed, killed) with its service deployment still
// in flight, roll it back — ContinueServiceDeployment(ROLLBACK) on a waiting PAUSE hook, else
// StopServiceDeployment(ROLLBACK) — and report what ECS shows then (read back). The hook's own timeout is
// never the safety net. Idempotent: a deployment ECS has finished, or is already rolling back, is left alone.






/** How long post waits for ECS to finish a rollback it asked for: the job is ending, but the report must be read back. */
const POST_ROLLBACK_WAIT_MS = 60_000;
const POST_POLL_MS = 2_000;
async function postBuiltIn(ports, state, o = {}) {
    const phase = (0,src_state/* savedPhase */.j8)(state);
    const result = { restored: false };
    if (!phase || phase === 'done') {
        core/* info */.pq(phase ? 'Main finished and reported: nothing to do.' : 'Main saved no state: nothing to do.');
    }
    else {
        Object.assign(result, await settleDeployment(ports.deployments, state, phase, o));
        state.save(src_state/* StateKey */.zv.Phase, 'done');
    }
    await (0,lock/* releaseSavedLock */.an)(ports.ssm, state);
    return result;
}
async function settleDeployment(port, state, phase, o) {
    const main = `Main did not finish (phase '${phase}')`;
    const saved = (0,src_state/* readJson */.Vh)(state, src_state/* StateKey */.zv.ServiceDeployment);
    if (!saved) {
        return phase === 'settled'
            ? { restored: false, outcome: 'settled', failure: 'Main stopped after the deployment had settled, before it wrote its outputs and job summary.' }
            : { restored: false, outcome: 'untouched', failure: `${main} before it started a service deployment: nothing changed.` };
    }
    try {
        // Main may have died between UpdateService and learning the ARN: the newest in flight since then is its.
        const arn = saved.arn ?? (await port.list(saved.cluster, saved.service, { statuses: IN_FLIGHT, createdAfter: saved.startedAfter - 60_000 }))[0]?.arn;
        if (!arn)
            return { restored: false, outcome: 'untouched', failure: `${main}; ECS lists no deployment of ${saved.service} in flight since it began: nothing to roll back.` };
        const before = await port.describe(arn);
        if (TERMINAL.includes(before.status)) {
            return { restored: false, outcome: 'settled', failure: `${main}; ECS had finished service deployment ${arn}: ${before.status}${before.statusReason ? ` (${before.statusReason})` : ''} (read back).` };
        }
        const asked = !ROLLING_BACK.includes(before.status);
        if (asked) {
            core/* warning */.$e(`${main} with service deployment ${arn} ${before.status}${before.lifecycleStage ? ` at ${before.lifecycleStage}` : ''}: rolling it back.`, { title: 'Post step: rolling back' });
            await requestRollback(port, arn);
        }
        const last = await awaitFinished(port, arn, { deadline: Date.now() + (o.waitMs ?? POST_ROLLBACK_WAIT_MS), pollMs: o.pollMs ?? POST_POLL_MS, clock: clock/* systemClock */.m });
        const read = `ECS reports ${last.status}${last.statusReason ? ` (${last.statusReason})` : ''} (read back)`;
        if (last.status === 'ROLLBACK_SUCCESSFUL' || ROLLING_BACK.includes(last.status)) {
            return { restored: asked, outcome: asked ? 'restored' : 'confirmed', failure: `${main}; the post step ${asked ? 'rolled back' : 'found ECS rolling back'} service deployment ${arn}: ${read}.` };
        }
        return { restored: false, outcome: 'not-restored', failure: `${main}; the post step could not roll back service deployment ${arn}: ${read}. Check the service in the ECS console.` };
    }
    catch (error) {
        return { restored: false, outcome: 'not-restored', failure: `${main} and the post step could not roll back ${saved.arn ?? `the deployment of ${saved.service}`}: ${(0,errors/* errorMessage */.gJ)(error)} Check the service in the ECS console.` };
    }
}


/***/ })

};
