// `node build/sandbox/serve.js`: the sandbox as a long-running server for a workflow that runs the action
// through `uses: ./` (ci.yml's self-test), as GitHub's action template tests an action. It starts the
// sandbox with one blue-green pair (v1 live on blue, a test listener), registers a healthy v2 and a broken
// v3, and writes what the next steps need: the action's inputs as step outputs ($GITHUB_OUTPUT, else
// stdout) and the AWS/GitHub endpoints as job environment ($GITHUB_ENV). It runs until killed.
import { appendFileSync } from 'node:fs';
import { DEMO_TIMINGS, deployInputs } from './demo/inputs.js';
import { startSandbox } from './index.js';

async function main(): Promise<void> {
  const sandbox = await startSandbox({ healthCheckIntervalMs: 250, healthCheckTimeoutMs: 200, deregistrationDelayMs: 300, stopTimeoutMs: 1000 });
  const sc = await sandbox.createBlueGreen({ name: 'self-test', desiredCount: 2, withTestListener: true });
  const healthy = sc.registerTaskDefinition({ version: 'v2' });
  // The demo's inputs for this pair (the same the demo and the bench deploy with), plus what the workflow needs.
  const outputs: Record<string, string> = {
    ...deployInputs(sc, healthy, DEMO_TIMINGS),
    'prod-url': sc.prodUrl,
    'healthy-task-definition': healthy,
    'broken-task-definition': sc.registerTaskDefinition({ version: 'v3', behaviour: 'degrade-after-traffic:1' }),
  };
  write(process.env.GITHUB_OUTPUT, outputs);
  write(process.env.GITHUB_ENV, sandbox.env());
  console.log(`sandbox: ready at ${sandbox.endpoint}; v1 live on blue at ${sc.prodUrl}`);
  const stop = () => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** `name=value` lines to a runner file command, or to stdout outside a runner. */
function write(file: string | undefined, values: Record<string, string>): void {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join('');
  if (file) appendFileSync(file, lines);
  else process.stdout.write(lines);
}

main().catch((error: unknown) => {
  console.error('sandbox: failed to start:', error);
  process.exit(1);
});
