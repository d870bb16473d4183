export const id = 251;
export const ids = [251];
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

/***/ 9251:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runCommand: () => (/* binding */ runCommand)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(640);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _clock_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9373);
// Runs one of the team's commands (`smoke-test-command`, …) as a `run:` step would: `bash -eo pipefail`
// in the workspace, its output streamed into the log, bounded by a timeout, and stopped — the whole
// process tree — when the job is cancelled. Loaded only when a command is configured.
//
// @actions/exec does the spawning, streaming and exit-code handling, but it offers no way to stop the
// child: no timeout, no abort signal, no pid. So the command runs inside a small bash wrapper with job
// control on (`set -m`), which puts the command in a process group of its own and writes that group's
// id to a file: a timeout or a cancellation signals the group, which reaches every process the command
// started (a test runner's browsers, a migration's workers), not just the shell.






// $0 the script, $1 the file that receives the process group id. The wrapper's own job-status
// messages ("[1]+ Terminated …") go to /dev/null; the command's stderr is the step's (fd 3).
const WRAPPER = 'exec 3>&2 2>/dev/null; set -m; bash --noprofile --norc -eo pipefail "$0" </dev/null 2>&3 & pid=$!; echo "$pid" >"$1"; wait "$pid"';
const DEFAULT_KEEP_LINES = 20;
const DEFAULT_KILL_GRACE_MS = 2_000;
// The runner kills the step 10 s after a cancellation: the rollback needs most of that.
const CANCEL_KILL_GRACE_MS = 1_000;
// After the command's exit, how long @actions/exec waits for its output streams to close. A process
// that left the group and kept stdout open (a daemon) must not hold the step.
const STREAM_CLOSE_MS = 1_000;
async function runCommand(run) {
    const started = Date.now();
    if (run.signal?.aborted)
        return { exitCode: 130, durationMs: 0, lastLines: [], timedOut: false, cancelled: true };
    const base = (0,node_path__WEBPACK_IMPORTED_MODULE_4__.join)(process.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_3__.tmpdir)(), `blue-green-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomUUID)()}`);
    const scriptFile = `${base}.sh`;
    const groupFile = `${base}.pgid`;
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.writeFile)(scriptFile, run.script.endsWith('\n') ? run.script : `${run.script}\n`, { mode: 0o600 });
    const keep = run.keepLines ?? DEFAULT_KEEP_LINES;
    const lines = [];
    const remember = (line) => {
        lines.push(line);
        if (lines.length > keep)
            lines.shift();
    };
    let timedOut = false;
    let cancelled = false;
    let finished = false;
    const stopGroup = async (graceMs) => {
        const group = await readGroupId(groupFile, () => finished);
        if (group === undefined)
            return;
        signalGroup(group, 'SIGTERM');
        const grace = setTimeout(() => signalGroup(group, 'SIGKILL'), graceMs);
        grace.unref();
    };
    const timeout = new AbortController();
    void (run.clock ?? _clock_js__WEBPACK_IMPORTED_MODULE_5__/* .systemClock */ .m).sleep(run.timeoutMs, timeout.signal).then(() => {
        timedOut = true;
        void stopGroup(run.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    }, () => undefined);
    const onAbort = () => {
        cancelled = true;
        void stopGroup(Math.min(CANCEL_KILL_GRACE_MS, run.killGraceMs ?? CANCEL_KILL_GRACE_MS));
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        const exitCode = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .exec */ .m)('bash', ['--noprofile', '--norc', '-c', WRAPPER, scriptFile, groupFile], {
            cwd: run.cwd,
            env: run.env,
            ignoreReturnCode: true,
            // The output is passed through below as it arrives; silent only drops exec's own `[command]` line,
            // which would show the wrapper rather than the user's command.
            silent: true,
            delay: STREAM_CLOSE_MS,
            listeners: {
                stdout: (data) => process.stdout.write(data),
                stderr: (data) => process.stderr.write(data),
                stdline: remember,
                errline: remember,
            },
        });
        return { exitCode, durationMs: Date.now() - started, lastLines: lines, timedOut, cancelled };
    }
    finally {
        finished = true;
        timeout.abort();
        run.signal?.removeEventListener('abort', onAbort);
        await Promise.all([(0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(scriptFile, { force: true }), (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(groupFile, { force: true })]);
    }
}
/** The group id the wrapper wrote; waits briefly for it when the stop comes right after the start. */
async function readGroupId(file, finished) {
    for (;;) {
        const text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(file, 'utf8').catch(() => '');
        const id = Number.parseInt(text.trim(), 10);
        if (Number.isInteger(id) && id > 1)
            return id;
        if (finished())
            return undefined;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
function signalGroup(group, signal) {
    try {
        process.kill(-group, signal);
    }
    catch {
        // The group is already gone.
    }
}


/***/ })

};
