// The control API over HTTP (`/_sandbox/...`, JSON), mirroring the in-process methods of Sandbox.
import type { FaultSpec } from '../core/faults.js';
import type { ServiceName } from '../core/request-log.js';
import type { AlarmStateValue } from '../cloudwatch/api.js';
import type { Sandbox } from '../index.js';
import type { BlueGreenOptions } from '../scenario.js';
import type { NativeServiceOptions } from '../native-scenario.js';

type Body = Record<string, unknown> | undefined;

/** Routes: see sandbox/README.md. Returns undefined for an unknown route (404). */
export function controlRoutes(sandbox: () => Sandbox) {
  return async (method: string, path: string, query: URLSearchParams, raw: unknown): Promise<unknown> => {
    const body = (raw ?? {}) as Body & Record<string, unknown>;
    const s = sandbox();
    const since = query.get('since') === null ? undefined : Number(query.get('since'));
    const service = (query.get('service') ?? undefined) as ServiceName | undefined;
    const route = `${method} ${path.replace(/\/$/, '')}`;
    switch (route) {
      case 'GET /state':
        return s.state();
      case 'GET /requests':
        return s.requests({ service, operation: query.get('operation') ?? undefined, since });
      case 'GET /requests/counts':
        return s.requestCounts({ service, since });
      case 'DELETE /requests':
        s.clearRequests();
        return { cleared: true };
      case 'GET /faults':
        return s.faults();
      case 'POST /faults':
        return { id: s.injectFault(body as unknown as FaultSpec) };
      case 'DELETE /faults':
        s.clearFaults();
        return { cleared: true };
      case 'POST /scenarios/blue-green': {
        const { registerTaskDefinition: _omit, ...scenario } = await s.createBlueGreen(body as unknown as BlueGreenOptions);
        return scenario;
      }
      case 'POST /scenarios/native': {
        const { registerTaskDefinition: _omit, ...scenario } = await s.createNativeService(body as unknown as NativeServiceOptions);
        return scenario;
      }
      case 'GET /service-deployments':
        return s.serviceDeployments(query.get('service') ?? '');
      case 'POST /task-definitions':
        return {
          taskDefinitionArn: s.registerTaskDefinition({
            family: String(body.family),
            behaviour: body.behaviour as string | undefined,
            version: body.version as string | undefined,
          }),
        };
      case 'POST /desired-count': {
        const selector = { cluster: body.cluster as string | undefined, service: String(body.service) };
        s.setDesiredCount(selector, body.desiredCount as number);
        return { ...selector, desiredCount: body.desiredCount };
      }
      case 'POST /behaviour':
        return { tasks: s.setTaskBehaviour({ cluster: body.cluster as string | undefined, service: String(body.service) }, String(body.behaviour)) };
      case 'POST /parameters': {
        // A back-dated version, as putParameterAt: `lastModifiedDate` is an ISO 8601 time or epoch milliseconds.
        if (typeof body.name !== 'string' || typeof body.value !== 'string') throw new Error('name and value must be strings');
        const at = new Date(body.lastModifiedDate as string | number);
        if (Number.isNaN(at.getTime())) throw new Error(`lastModifiedDate ${JSON.stringify(body.lastModifiedDate)} is not a date`);
        const version = s.putParameterAt(body.name, body.value, at);
        return { name: body.name, version, lastModifiedDate: at.toISOString() };
      }
      case 'POST /metrics/publication-delay':
        // As sandbox.metrics.setPublicationDelay: a huge delay withholds every ALB datapoint from GetMetricData.
        s.metrics.setPublicationDelay(Number(body.ms));
        return { publicationDelayMs: s.metrics.publicationDelayMs };
      case 'POST /alarms':
        s.setAlarm(String(body.name), body.state as AlarmStateValue, body.reason as string | undefined);
        return { name: body.name, state: body.state };
    }
    const fault = /^DELETE \/faults\/(.+)$/.exec(route);
    if (fault?.[1]) {
      s.removeFault(fault[1]);
      return { removed: fault[1] };
    }
    return undefined;
  };
}
