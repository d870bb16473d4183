// GitHub's REST error bodies, as the fake sends them: `basic-error` ({message, documentation_url, status}),
// `validation-error` (422 with `errors[]`) and the deployment 409s. GitHub now puts the HTTP status in the body
// as a string (`"status": "409"`), so every body here does too.

export const DOCS = {
  rest: 'https://docs.github.com/rest',
  createDeployment: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
  listDeployments: 'https://docs.github.com/rest/deployments/deployments#list-deployments',
  getDeployment: 'https://docs.github.com/rest/deployments/deployments#get-a-deployment',
  deleteDeployment: 'https://docs.github.com/rest/deployments/deployments#delete-a-deployment',
  createDeploymentStatus: 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status',
  listDeploymentStatuses: 'https://docs.github.com/rest/deployments/statuses#list-deployment-statuses',
  getDeploymentStatus: 'https://docs.github.com/rest/deployments/statuses#get-a-deployment-status',
} as const;

/** One entry of a `validation-error`'s `errors[]`. */
export interface FieldError {
  resource: 'Deployment' | 'DeploymentStatus';
  field: string;
  code: 'missing_field' | 'invalid' | 'custom';
  message?: string;
}

/** An error reply; thrown by the model, rendered by the server with its status and body as they are. */
export class GitHubError extends Error {
  override name = 'GitHubError';
  readonly body: Record<string, unknown>;
  constructor(
    readonly status: number,
    message: string,
    documentationUrl: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.body = { message, ...extra, documentation_url: documentationUrl, status: String(status) };
  }
}

export const notFound = (docs: string = DOCS.rest) => new GitHubError(404, 'Not Found', docs);

export const validationFailed = (docs: string, errors: FieldError[]) => new GitHubError(422, 'Validation Failed', docs, { errors });

export const requiresAuthentication = () => new GitHubError(401, 'Requires authentication', DOCS.rest);

/** What a GITHUB_TOKEN without the permission the call needs gets. */
export const notAccessible = (docs: string) => new GitHubError(403, 'Resource not accessible by integration', docs);

export const problemsParsingJson = (docs: string) => new GitHubError(400, 'Problems parsing JSON', docs);

export const mergeConflict = (base: string, ref: string) => new GitHubError(409, `Conflict merging ${base} into ${ref}.`, DOCS.createDeployment);
