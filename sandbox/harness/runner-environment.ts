// The environment a hosted runner gives every step of a job.

let runCounter = 0;

/**
 * The variables a hosted runner gives every step. The process does not inherit this test process's environment
 * (jest's NODE_OPTIONS, a developer's AWS profile) because the runner does not give it ours either. GitHub's API
 * URLs point at a closed loopback port: the action must not need GitHub's API, and nothing here may leave the host.
 */
export function runnerEnvironment(
  dirs: { temp: string; toolCache: string; workspace: string },
  eventPath: string,
): Record<string, string> {
  runCounter += 1;
  const runId = String(9_000_000_000 + (Date.now() % 1_000_000) * 1000 + (runCounter % 1000));
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? dirs.temp,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__run',
    GITHUB_ACTION_REPOSITORY: '',
    GITHUB_ACTOR: 'sandbox-user',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_JOB: 'deploy',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_REPOSITORY: 'sandbox/app',
    GITHUB_REPOSITORY_OWNER: 'sandbox',
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_NUMBER: String(runCounter),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: 'sandbox-runner',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    // Not a runner default: without credentials the SDK would ask the instance metadata service, off this host.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
