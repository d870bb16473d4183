export const id = 887;
export const ids = [887];
export const modules = {

/***/ 6887:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DeploymentRecords: () => (/* binding */ DeploymentRecords),
/* harmony export */   closeOpenRecord: () => (/* binding */ closeOpenRecord),
/* harmony export */   deploymentRef: () => (/* binding */ deploymentRef),
/* harmony export */   describe: () => (/* binding */ describe),
/* harmony export */   octokitApi: () => (/* binding */ octokitApi),
/* harmony export */   runUrl: () => (/* binding */ runUrl)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1078);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _report_format_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2011);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2462);
// GitHub deployment records (`github-deployment: true`): each deploy, promote and manual rollback becomes a
// deployment of the commit in `environment`, with statuses, so GitHub's Environments page and the pull
// request show what runs where. Loaded only when configured (with @actions/github behind it).
//
// The AWS side never waits on GitHub: calls are queued and run in the background one after another, each
// bounded by a timeout, and a failure (no `deployments: write`, GitHub down) is one warning, never the
// run's outcome. The run waits for the queue only at its very end, and only for a bounded time.
// See ../../shared/reference/github-deployments.md for the API's shapes and pitfalls.




/** GitHub limits a status description to 140 characters. */
const DESCRIPTION_LIMIT = 140;
/** Bound on one GitHub call. */
const REQUEST_TIMEOUT_MS = 10_000;
const describe = (text) => {
    const line = (0,_report_format_js__WEBPACK_IMPORTED_MODULE_3__/* .oneLine */ .TN)(text);
    return line.length <= DESCRIPTION_LIMIT ? line : `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`;
};
/** The run's page, for the statuses' `log_url`. */
function runUrl(env = process.env) {
    const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = env;
    if (!repository || !runId)
        return undefined;
    return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ''}`;
}
/**
 * The ref a deployment is for: on a pull request its head branch (a deployment of `refs/pull/N/merge`
 * does not show in the pull request), otherwise the exact commit.
 */
function deploymentRef(env = process.env) {
    return env.GITHUB_HEAD_REF || env.GITHUB_SHA || undefined;
}
/** An Octokit client from @actions/github (which reads GITHUB_API_URL when it is imported). */
async function octokitApi(token, env = process.env) {
    const { getOctokit } = await Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(85)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo)
        throw new Error('GITHUB_REPOSITORY is not set: there is no repository to record deployments in');
    const rest = getOctokit(token).rest.repos;
    const request = () => ({ request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } });
    return {
        createDeployment: (params) => rest.createDeployment({ owner, repo, ...params, ...request() }),
        createDeploymentStatus: (params) => rest.createDeploymentStatus({ owner, repo, ...params, ...request() }),
    };
}
class DeploymentRecords {
    config;
    state;
    connect;
    env;
    queue = Promise.resolve();
    id;
    started = false;
    warned = false;
    api;
    constructor(config, state, connect = () => octokitApi(config.token), env = process.env) {
        this.config = config;
        this.state = state;
        this.connect = connect;
        this.env = env;
    }
    /** Creates the deployment and its `in_progress` status, in the background. Once per run. */
    start(subject) {
        if (this.started)
            return;
        this.started = true;
        const ref = deploymentRef(this.env);
        if (!ref) {
            this.warn('there is no commit to record (GITHUB_SHA is not set)');
            return;
        }
        const td = subject.taskDefinitionArn?.split('/').pop();
        this.enqueue(async (api) => {
            const { status, data } = await api.createDeployment({
                ref,
                task: subject.task,
                environment: this.config.environment,
                description: describe(`${subject.task === 'deploy' ? 'Blue-green deploy to' : 'Rollback to'} ${subject.colour}${td ? `: ${td}` : ''}`),
                // The run's own checks are pending on this very commit: the default (all contexts must pass) would 409.
                required_contexts: [],
                auto_merge: false,
                transient_environment: false,
                payload: {
                    tool: 'ecs-blue-green-action',
                    colour: subject.colour,
                    ...(subject.previousColour ? { previousColour: subject.previousColour } : {}),
                    ...(subject.taskDefinitionArn ? { taskDefinitionArn: subject.taskDefinitionArn } : {}),
                    ...(this.env.GITHUB_RUN_ID ? { runId: this.env.GITHUB_RUN_ID } : {}),
                },
            });
            const id = data.id;
            // 202: GitHub merged the default branch into the ref instead of creating a deployment.
            if (status !== 201 || (typeof id !== 'number' && typeof id !== 'bigint')) {
                throw new Error(`GitHub created no deployment (${status}: ${(0,_report_format_js__WEBPACK_IMPORTED_MODULE_3__/* .oneLine */ .TN)(data.message ?? JSON.stringify(data))})`);
            }
            this.id = Number(id);
            (0,_state_js__WEBPACK_IMPORTED_MODULE_2__/* .saveJson */ .oG)(this.state, _state_js__WEBPACK_IMPORTED_MODULE_2__/* .StateKey */ .zv.GitHubDeployment, { id: this.id, environment: this.config.environment, final: false });
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`GitHub deployment ${this.id} created for ${ref} in ${this.config.environment}.`);
            await this.post(api, 'in_progress', `Deploying ${subject.colour}`);
        });
    }
    /** The run's final status, in the background; `success` carries `environment-url`. */
    finish(state, description) {
        if (!this.started)
            return;
        this.enqueue(async (api) => {
            if (this.id === undefined)
                return;
            await this.post(api, state, description);
            (0,_state_js__WEBPACK_IMPORTED_MODULE_2__/* .saveJson */ .oG)(this.state, _state_js__WEBPACK_IMPORTED_MODULE_2__/* .StateKey */ .zv.GitHubDeployment, { id: this.id, environment: this.config.environment, final: true });
        });
    }
    /** Waits for the queued calls, at most `timeoutMs`; what is still pending is abandoned with a warning. */
    async flush(timeoutMs) {
        let timer;
        const gaveUp = new Promise((resolve) => {
            timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
        });
        const result = await Promise.race([this.queue.then(() => 'done'), gaveUp]);
        clearTimeout(timer);
        if (result === 'timeout')
            this.warn(`GitHub did not answer within ${Math.round(timeoutMs / 1000)} s; the record may be incomplete`);
    }
    async post(api, state, description) {
        const log = runUrl(this.env);
        await api.createDeploymentStatus({
            deployment_id: this.id,
            state,
            description: describe(description),
            ...(log ? { log_url: log } : {}),
            ...(state === 'success' && this.config.environmentUrl ? { environment_url: this.config.environmentUrl } : {}),
            // The environment's older successful deployments become inactive: only the live one stays active.
            auto_inactive: state === 'success',
        });
    }
    enqueue(call) {
        this.queue = this.queue.then(async () => {
            if (this.warned)
                return; // one failure stops the record: later statuses would be out of order
            try {
                this.api ??= this.connect();
                await call(await this.api);
            }
            catch (error) {
                this.warn((0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error));
            }
        });
    }
    warn(reason) {
        if (this.warned)
            return;
        this.warned = true;
        const permission = /403|Resource not accessible/i.test(reason) ? ' Give the job `permissions: deployments: write` (and `contents: read`, `id-token: write`).' : '';
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`GitHub deployment record for ${this.config.environment} not written: ${reason}.${permission} The deployment itself is not affected.`, {
            title: 'GitHub deployment record',
        });
    }
}
/**
 * Post, when main died with a record open: close it with `error` and what post found, so no deployment
 * stays `in_progress` for ever. Bounded like every GitHub call; never throws.
 */
async function closeOpenRecord(state, token, description, connect = () => octokitApi(token)) {
    const saved = (0,_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readJson */ .Vh)(state, _state_js__WEBPACK_IMPORTED_MODULE_2__/* .StateKey */ .zv.GitHubDeployment);
    if (!saved || saved.final || !token)
        return;
    try {
        const api = await connect();
        const log = runUrl();
        await api.createDeploymentStatus({ deployment_id: saved.id, state: 'error', description: describe(description), ...(log ? { log_url: log } : {}), auto_inactive: false });
        (0,_state_js__WEBPACK_IMPORTED_MODULE_2__/* .saveJson */ .oG)(state, _state_js__WEBPACK_IMPORTED_MODULE_2__/* .StateKey */ .zv.GitHubDeployment, { ...saved, final: true });
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`GitHub deployment ${saved.id} marked 'error'.`);
    }
    catch (error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not close GitHub deployment ${saved.id}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}. It stays 'in_progress' on GitHub.`, { title: 'GitHub deployment record' });
    }
}


/***/ })

};
