// The REST routes the GitHub fake serves: GitHub's paths for deployments and deployment statuses, each named as
// octokit names it (`rest.repos.createDeployment`), whether it writes (a token limited to reading gets 403), and
// GitHub's pagination of the lists (`per_page` ≤ 100, default 30; `page`; a `Link` header).
import { DOCS } from './errors.js';
import type { DeploymentFilter, GitHubModel } from './model.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Call {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The request's URL without its query, for the `Link` and `Location` headers. */
  self: string;
}

export type Operation = Exclude<keyof typeof DOCS, 'rest'>;

export interface Route {
  operation: Operation;
  method: 'GET' | 'POST' | 'DELETE';
  /** As GitHub's docs write it. */
  template: string;
  pattern: RegExp;
  write: boolean;
  docs: string;
  run(model: GitHubModel, call: Call): Reply;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

const id = (call: Call, name: string) => Number(call.params[name]);
const repoOf = (call: Call) => [call.params.owner ?? '', call.params.repo ?? ''] as const;

export const ROUTES: Route[] = [
  route('createDeployment', 'POST', '/repos/{owner}/{repo}/deployments', (m, c) => m.createDeployment(...repoOf(c), c.body)),
  route('listDeployments', 'GET', '/repos/{owner}/{repo}/deployments', (m, c) => {
    const filter: DeploymentFilter = {};
    for (const key of ['sha', 'ref', 'task', 'environment'] as const) filter[key] = c.query.get(key) ?? undefined;
    return paginate(m.listDeployments(...repoOf(c), filter), c);
  }),
  route('getDeployment', 'GET', '/repos/{owner}/{repo}/deployments/{deployment_id}', (m, c) => ({
    status: 200,
    body: m.getDeployment(...repoOf(c), id(c, 'deployment_id')),
  })),
  route('deleteDeployment', 'DELETE', '/repos/{owner}/{repo}/deployments/{deployment_id}', (m, c) => {
    m.deleteDeployment(...repoOf(c), id(c, 'deployment_id'));
    return { status: 204 };
  }),
  route('createDeploymentStatus', 'POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (m, c) => {
    const status = m.createStatus(...repoOf(c), id(c, 'deployment_id'), c.body);
    return { status: 201, body: status, headers: { location: `${c.self}/${status.id}` } };
  }),
  route('listDeploymentStatuses', 'GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (m, c) =>
    paginate(m.listStatuses(...repoOf(c), id(c, 'deployment_id')), c),
  ),
  route('getDeploymentStatus', 'GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}', (m, c) => ({
    status: 200,
    body: m.getStatus(...repoOf(c), id(c, 'deployment_id'), id(c, 'status_id')),
  })),
];

/** The route and its path parameters; undefined when none matches (GitHub's 404). */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m?.groups) return { route: r, params: Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, decodeURIComponent(v)])) };
  }
  return undefined;
}

/** Whether `name` is an operation (`createDeployment`) or a route (`POST /repos/{owner}/{repo}/deployments`). */
export const routeNamed = (r: Route, name: string) => r.operation === name || `${r.method} ${r.template}` === name;

function route(operation: Operation, method: Route['method'], template: string, run: Route['run']): Route {
  return { operation, method, template, pattern: pattern(template), write: method !== 'GET', docs: DOCS[operation], run };
}

/** Ids are digits; anything else matches no route. */
function pattern(template: string): RegExp {
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => (name.endsWith('_id') ? `(?<${name}>\\d+)` : `(?<${name}>[^/]+)`));
  return new RegExp(`^${source}$`);
}

function paginate<T>(items: T[], call: Call): Reply {
  const perPage = Math.min(positive(call.query.get('per_page')) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = positive(call.query.get('page')) ?? 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(call.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${call.self}?${query}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

function positive(value: string | null): number | undefined {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
