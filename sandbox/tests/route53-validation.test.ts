// ChangeResourceRecordSets' refusals through the real SDK client, each with Route 53's code and message. Follows:
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html (InvalidChangeBatch,
//     InvalidInput; "you cannot delete the same resource record set more than once in a single change batch")
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (Weight 0–255, SetIdentifier
//     with Weight, exactly one of AliasTarget or TTL + ResourceRecords, no CNAME at the zone apex)
//   https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html (DNSName in HostedZoneId's zone)
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
//   https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html
// The messages are those Route 53 answers (quoted in public issue threads, e.g. kubernetes-sigs/external-dns,
// aws/aws-sdk-kotlin#1435); README "Route 53" lists the few the sandbox words itself.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { InvalidChangeBatch, InvalidInput, type Change, type Route53Client } from '@aws-sdk/client-route-53';
import { startSandbox, type Sandbox } from '../index.js';
import { ELB_CANONICAL_HOSTED_ZONE_ID } from '../route53/elb-targets.js';
import { change, changeBatch, failure, loadBalancer, route53For, simple, weighted } from './route53-support.js';

let sb: Sandbox;
let r53: Route53Client;
let zoneId: string;
let lb: { dnsName: string; hostedZoneId: string };
const Z = 'rules.example.com.';

beforeAll(async () => {
  sb = await startSandbox({ route53ChangeDelayMs: 0 });
  r53 = route53For(sb, { maxAttempts: 1 });
  zoneId = sb.route53.createHostedZone('rules.example.com').id;
  lb = await loadBalancer(sb, 'rules-alb');
  await changeBatch(r53, zoneId, [
    change('CREATE', simple('plain.rules.example.com', ['192.0.2.1'])),
    change('CREATE', weighted('split.rules.example.com', 'blue', 100, ['192.0.2.2'])),
    change('CREATE', simple('alias.rules.example.com', ['target.example.net'], 'CNAME')),
  ]);
});
afterAll(() => sb.stop());

describe('InvalidChangeBatch', () => {
  const cases: [string, () => Change[], string | (() => string)][] = [
    ['a CNAME at the zone apex', () => [change('CREATE', simple(Z, ['www.example.net'], 'CNAME'))], `RRSet of type CNAME with DNS name ${Z} is not permitted at apex in zone ${Z}`],
    ['a name outside the zone', () => [change('CREATE', simple('shop.example.org', ['192.0.2.1']))], `RRSet with DNS name shop.example.org. is not permitted in zone ${Z}`],
    [
      'a weighted record beside a simple one of the same name and type',
      () => [change('CREATE', weighted('plain.rules.example.com', 'blue', 1, ['192.0.2.3']))],
      `RRSet with DNS name plain.${Z}, type A, SetIdentifier blue cannot be created as a non-weighted set exists with the same name and type.`,
    ],
    [
      'a simple record beside weighted ones of the same name and type',
      () => [change('CREATE', simple('split.rules.example.com', ['192.0.2.3']))],
      `RRSet with DNS name split.${Z}, type A cannot be created as other RRSets exist with the same name and type.`,
    ],
    [
      'a CNAME beside another type of the same name',
      () => [change('CREATE', simple('plain.rules.example.com', ['www.example.net'], 'CNAME'))],
      `RRSet of type CNAME with DNS name plain.${Z} is not permitted as it conflicts with other records with the same DNS name in zone ${Z}`,
    ],
    [
      'another type beside a CNAME',
      () => [change('CREATE', simple('alias.rules.example.com', ['"v=1"'], 'TXT'))],
      `RRSet of type TXT with DNS name alias.${Z} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${Z}`,
    ],
    [
      'a delete of a record set that is not there',
      () => [change('DELETE', weighted('split.rules.example.com', 'green', 0, ['192.0.2.9']))],
      `Tried to delete resource record set [name='split.${Z}', type='A', set-identifier='green'] but it was not found`,
    ],
    [
      'the same record set twice in a batch',
      () => [change('UPSERT', simple('twice.rules.example.com', ['192.0.2.1'])), change('UPSERT', simple('twice.rules.example.com', ['192.0.2.2']))],
      `The request contains an invalid set of changes for a resource record set 'A twice.${Z}'`,
    ],
    [
      'an A value that is not an IPv4 address',
      () => [change('CREATE', simple('bad.rules.example.com', ['shop.example.net']))],
      "Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'shop.example.net''",
    ],
    ['deleting the zone\'s SOA', () => sb.route53.zoneRecordSets(zoneId).filter((s) => s.type === 'SOA').map((soa) => change('DELETE', sdkShape(soa))), 'A HostedZone must contain exactly one SOA record.'],
    [
      'an alias to a load balancer name the sandbox does not have, in ELB\'s zone',
      () => [change('CREATE', weighted('gone.rules.example.com', 'x', 1, { ...lb, dnsName: 'gone-0123abcd.us-east-1.elb.amazonaws.com' }))],
      `Tried to create an alias that targets gone-0123abcd.us-east-1.elb.amazonaws.com., type A in zone ${ELB_CANONICAL_HOSTED_ZONE_ID}, but that target was not found`,
    ],
    [
      'an alias to a name outside the target zone',
      () => [change('CREATE', weighted('out.rules.example.com', 'x', 1, { hostedZoneId: zoneId, dnsName: lb.dnsName }))],
      () =>
        `Tried to create an alias that targets ${lb.dnsName.toLowerCase()}., type A in zone ${zoneId}, but the alias target name does not lie within the target zone, ` +
        `Tried to create an alias that targets ${lb.dnsName.toLowerCase()}., type A in zone ${zoneId}, but that target was not found`,
    ],
  ];
  test.each(cases)('%s', async (_what, changes, message) => {
    const before = sb.route53.zoneRecordSets(zoneId);
    const e = await failure(changeBatch(r53, zoneId, changes()));
    expect(e).toBeInstanceOf(InvalidChangeBatch);
    expect([e.message, e.$metadata.httpStatusCode]).toEqual([`[${typeof message === 'string' ? message : message()}]`, 400]);
    expect(sb.route53.zoneRecordSets(zoneId)).toEqual(before);
  });

  test('an alias to a record set of the zone itself, and to a load balancer with the `dualstack.` prefix, are accepted', async () => {
    await changeBatch(r53, zoneId, [
      change('CREATE', { Name: 'apex-alias.rules.example.com', Type: 'A', AliasTarget: { HostedZoneId: zoneId, DNSName: 'plain.rules.example.com', EvaluateTargetHealth: false } }),
      change('CREATE', { Name: 'lb.rules.example.com', Type: 'A', AliasTarget: { HostedZoneId: lb.hostedZoneId, DNSName: `dualstack.${lb.dnsName}`, EvaluateTargetHealth: false } }),
    ]);
    const names = sb.route53.zoneRecordSets(zoneId).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([`apex-alias.${Z}`, `lb.${Z}`]));
  });
});

describe('InvalidInput', () => {
  const withAction = (Action: string): Change => ({ Action, ResourceRecordSet: simple('x.rules.example.com', ['192.0.2.1']) }) as unknown as Change;
  const cases: [string, () => Change, string][] = [
    [
      'a weight over 255',
      () => change('CREATE', weighted('w.rules.example.com', 'blue', 256, ['192.0.2.1'])),
      "1 validation error detected: Value '256' at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value less than or equal to 255",
    ],
    [
      'a negative weight',
      () => change('CREATE', weighted('w.rules.example.com', 'blue', -1, ['192.0.2.1'])),
      "1 validation error detected: Value '-1' at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
    [
      'a weighted record without SetIdentifier',
      () => change('CREATE', { ...weighted('w.rules.example.com', 'blue', 5, ['192.0.2.1']), SetIdentifier: undefined }),
      "Invalid request: Missing field 'SetIdentifier' in Change with [Action=CREATE, Name=w.rules.example.com, Type=A, SetIdentifier=null]",
    ],
    [
      'an alias with a TTL',
      () => change('CREATE', { ...weighted('w.rules.example.com', 'blue', 5, lb), TTL: 60 }),
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with [Action=CREATE, Name=w.rules.example.com, Type=A, SetIdentifier=blue]',
    ],
    [
      'neither an alias nor values',
      () => change('UPSERT', { Name: 'w.rules.example.com', Type: 'A' }),
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=UPSERT, Name=w.rules.example.com, Type=A, SetIdentifier=null]',
    ],
    [
      'an action outside CREATE, DELETE and UPSERT',
      () => withAction('REPLACE'),
      "Invalid XML ; cvc-enumeration-valid: Value 'REPLACE' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.",
    ],
  ];
  test.each(cases)('%s', async (_what, c, message) => {
    const e = await failure(changeBatch(r53, zoneId, [c()]));
    expect(e).toBeInstanceOf(InvalidInput);
    expect([e.message, e.$metadata.httpStatusCode]).toEqual([message, 400]);
  });
});

/** A record set of the model in the SDK's shape, for a DELETE that matches it exactly. */
function sdkShape(s: { name: string; type: string; ttl?: number; values: string[] }) {
  return { Name: s.name, Type: s.type as 'SOA', TTL: s.ttl, ResourceRecords: s.values.map((Value) => ({ Value })) };
}
