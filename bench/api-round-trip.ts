// One AWS API round trip to the sandbox as a client sees it (connect, request, XML answer), for the restore
// limit's "+ one API round trip". A real ELBv2 DescribeListeners over the Query protocol, on a fresh connection
// each time as the action's first call after a pause would be; the sandbox does not check signatures.
import { request } from 'node:http';
import { preciseNow } from './stats.js';

export async function apiRoundTripsMs(endpoint: string, listenerArn: string, count: number): Promise<number[]> {
  const body = new URLSearchParams({ Action: 'DescribeListeners', Version: '2015-12-01', 'ListenerArns.member.1': listenerArn }).toString();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = preciseNow();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${endpoint}/`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`DescribeListeners answered ${res.statusCode ?? '?'}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    samples.push(preciseNow() - started);
  }
  return samples;
}
