// Where moto 5.2.1 and the sandbox disagree in the replay and moto is the one that is wrong, each with
// the evidence. The differential test requires the replay's differences to be exactly these: a new
// difference (a sandbox regression, or a new moto bug) fails it, and so does one that stops showing
// (moto fixed it: delete the entry). Values use the replay's symbols (`<tg:blue>`, `<port:green>`)
// and `<absent>` for a field one side does not return. To see what a run observed, run the test with
// DIFF_DUMP=/tmp/diff.json.
//
// Differences found and fixed in the sandbox instead are not listed here; the sandbox's own tests
// cover them.

import { SSM_KNOWN_DIFFERENCES } from './known-differences-ssm.js';

export interface Citation {
  url: string;
  /** The sentence (or recorded AWS output) that settles it, as the page words it. */
  quote: string;
}

/** The same field differing the same way in several steps. */
export interface Expectation {
  steps: string[];
  path: string;
  sandbox: unknown;
  moto: unknown;
}

export interface KnownDifference {
  id: string;
  summary: string;
  awsSays: Citation[];
  /** Caveats about the evidence, where it is not a plain API-reference sentence. */
  note?: string;
  observed: Expectation[];
}

const LISTENER_RESPONSES = [
  'listener.describe',
  'listener.shift.10',
  'listener.readback.10',
  'listener.shift.100-sticky',
  'listener.readback.100-sticky',
  'listener.restore',
  'listener.readback.restored',
];
const HEALTH_RESPONSES = ['health.blue.healthy', 'health.green.not-in-use', 'health.green.in-use'];
const PLAIN_FORWARD_TO_BLUE = { TargetGroups: [{ TargetGroupArn: '<tg:blue>', Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } };
const PLAIN_FORWARD_TO_GREEN = { TargetGroups: [{ TargetGroupArn: '<tg:green>', Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } };
const API = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference';
const SDK_DOCS = 'https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/elastic-load-balancing-v2/command';
const rejectedByAws = (code: string) => ({ path: '(outcome)', sandbox: `error ${code} (400)`, moto: 'succeeded' });

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  // ELBv2 here; SSM's in known-differences-ssm.ts.
  {
    id: 'plain-forward-without-forward-config',
    summary: 'moto returns a single-group forward with TargetGroupArn only; AWS also returns ForwardConfig (weight 1, stickiness disabled).',
    awsSays: [
      {
        url: 'https://github.com/getmoto/moto/issues/4716',
        quote:
          "With a listener containing a default action of a single target group, AWS returns the following. ... 'Type': 'forward', 'TargetGroupArn': '...targetgroup/targetGroupName/1234', 'ForwardConfig': {'TargetGroups': [{'TargetGroupArn': '...targetgroup/targetGroupName/1234', 'Weight': 1}], 'TargetGroupStickinessConfig': {'Enabled': False}}",
      },
      {
        url: `${API}/API_Action.html`,
        quote:
          'If you specify both ForwardConfig and TargetGroupArn, you can specify only one target group using ForwardConfig and it must be the same target group specified in TargetGroupArn.',
      },
    ],
    note:
      'The API reference has no current example of a read-back forward (its DescribeListeners/DescribeRules examples predate weighted target groups, 2019, and show TargetGroupArn alone); the evidence is AWS output recorded in moto\'s own issue, closed by getmoto/moto#4956, which only added stickiness to forwards that already carry ForwardConfig.',
    observed: [
      { steps: ['listener.describe'], path: 'Listeners[0].DefaultActions[0].ForwardConfig', sandbox: PLAIN_FORWARD_TO_BLUE, moto: '<absent>' },
      { steps: ['rule.describe'], path: 'Rules[0].Actions[0].ForwardConfig', sandbox: PLAIN_FORWARD_TO_BLUE, moto: '<absent>' },
      { steps: ['rule.modify.header-forward'], path: 'Rules[0].Actions[0].ForwardConfig', sandbox: PLAIN_FORWARD_TO_GREEN, moto: '<absent>' },
      { steps: ['rules.page.1'], path: 'Rules[1].Actions[0].ForwardConfig', sandbox: PLAIN_FORWARD_TO_GREEN, moto: '<absent>' },
    ],
  },
  {
    id: 'path-condition-without-config-form',
    summary: 'moto returns a path-pattern condition as Values only; AWS returns Values and PathPatternConfig.',
    awsSays: [
      {
        url: 'https://github.com/aws/aws-sdk/issues/439',
        quote:
          'We heard back from a member of the ELB support team who noted that `describe-rules` responded both of `Values` and `PathPatternConfig` to path-pattern, while `modify-rule` only accepts one of `Values` and `PathPatternConfig`.',
      },
      {
        url: 'https://github.com/boto/boto3/issues/3536',
        quote:
          'This is the response from AWS Service API ... <Conditions><member><PathPatternConfig><Values><member>test</member></Values></PathPatternConfig><Field>path-pattern</Field><Values><member>test</member></Values></member></Conditions>',
      },
    ],
    note: 'The answer is AWS\'s SDK team relaying the ELB team, in AWS\'s own SDK issue tracker; the API reference does not show a DescribeRules response with both forms.',
    observed: [
      {
        steps: ['rule.describe', 'rule.shift.50', 'rule.readback.50', 'rules.page.1', 'rules.after-delete'],
        path: 'Rules[0].Conditions[0].PathPatternConfig',
        sandbox: { Values: ['/api/*'] },
        moto: '<absent>',
      },
    ],
  },
  {
    id: 'tls-fields-on-http-listener',
    summary: 'moto returns SslPolicy (ELBSecurityPolicy-2016-08) and an empty AlpnPolicy for a plain HTTP listener.',
    awsSays: [
      { url: `${API}/API_Listener.html`, quote: 'SslPolicy: [HTTPS or TLS listener] The security policy that defines which protocols and ciphers are supported.' },
      { url: `${API}/API_Listener.html`, quote: 'AlpnPolicy.member.N: [TLS listener] The name of the Application-Layer Protocol Negotiation (ALPN) policy.' },
      {
        // AWS's service-model example, as the SDK ships it (node_modules/.../DescribeListenersCommand.d.ts).
        url: `${SDK_DOCS}/DescribeListenersCommand/`,
        quote:
          'Example "To describe a listener" (abridged): response { Listeners: [ { DefaultActions: [...], ListenerArn: "...", LoadBalancerArn: "...", Port: 80, Protocol: "HTTP" } ] }, with no SslPolicy and no AlpnPolicy.',
      },
    ],
    observed: [
      { steps: LISTENER_RESPONSES, path: 'Listeners[0].SslPolicy', sandbox: '<absent>', moto: 'ELBSecurityPolicy-2016-08' },
      { steps: LISTENER_RESPONSES, path: 'Listeners[0].AlpnPolicy', sandbox: '<absent>', moto: [] },
    ],
  },
  {
    id: 'targets-healthy-at-once',
    summary:
      'moto reports every registered target healthy at once, even in a group no listener uses and before any health check; AWS reports unused (Target.NotInUse) and then initial until the checks pass.',
    awsSays: [
      {
        url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
        quote: 'After your target is registered, it must pass one health check to be considered healthy.',
      },
      {
        url: `${API}/API_TargetHealth.html`,
        quote:
          'If the target state is initial, the reason code can be one of the following values: Elb.RegistrationInProgress - The target is in the process of being registered with the load balancer. Elb.InitialHealthChecking - The load balancer is still sending the target the minimum number of health checks required to determine its health status.',
      },
      {
        url: `${API}/API_TargetHealth.html`,
        quote: 'Target.NotInUse - The target group is not used by any load balancer or the target is in an Availability Zone that is not enabled for its load balancer.',
      },
    ],
    observed: [
      { steps: ['health.green.not-in-use'], path: 'TargetHealthDescriptions[0].TargetHealth.State', sandbox: 'unused', moto: 'healthy' },
      { steps: ['health.green.not-in-use'], path: 'TargetHealthDescriptions[0].TargetHealth.Reason', sandbox: 'Target.NotInUse', moto: '<absent>' },
      {
        steps: ['health.green.not-in-use'],
        path: 'TargetHealthDescriptions[0].TargetHealth.Description',
        sandbox: 'Target group is not configured to receive traffic from the load balancer',
        moto: '<absent>',
      },
      { steps: ['health.green.in-use'], path: 'TargetHealthDescriptions[0].TargetHealth.State', sandbox: 'initial', moto: 'healthy' },
      { steps: ['health.green.in-use'], path: 'TargetHealthDescriptions[0].TargetHealth.Reason', sandbox: 'Elb.InitialHealthChecking', moto: '<absent>' },
      { steps: ['health.green.in-use'], path: 'TargetHealthDescriptions[0].TargetHealth.Description', sandbox: 'Initial health checks in progress', moto: '<absent>' },
    ],
  },
  {
    id: 'health-check-port-not-resolved',
    summary: "moto returns the target group's HealthCheckPort setting ('traffic-port'); AWS returns the port it checks, as a number string.",
    awsSays: [
      { url: `${API}/API_TargetHealthDescription.html`, quote: 'HealthCheckPort: The port to use to connect with the target.' },
      {
        // AWS's service-model example, as the SDK ships it (node_modules/.../DescribeTargetHealthCommand.d.ts).
        url: `${SDK_DOCS}/DescribeTargetHealthCommand/`,
        quote: 'Example "To describe the health of a target": { HealthCheckPort: "80", Target: { Id: "i-0f76fade", Port: 80 }, TargetHealth: { State: "healthy" } }',
      },
    ],
    observed: [
      { steps: ['health.blue.healthy'], path: 'TargetHealthDescriptions[0].HealthCheckPort', sandbox: '<port:blue>', moto: 'traffic-port' },
      { steps: ['health.green.in-use'], path: 'TargetHealthDescriptions[0].HealthCheckPort', sandbox: '<port:green>', moto: 'traffic-port' },
    ],
  },
  {
    id: 'health-check-port-on-unused-target',
    summary: "moto returns HealthCheckPort ('traffic-port') for a target in a group no listener uses; AWS returns none for such a target, which is not health-checked.",
    awsSays: [
      {
        // AWS's service-model example, as the SDK ships it (node_modules/.../DescribeTargetHealthCommand.d.ts).
        url: `${SDK_DOCS}/DescribeTargetHealthCommand/`,
        quote:
          'Example "To describe the health of the targets for a target group": { TargetHealthDescriptions: [ { Target: { Id: "i-0f76fade", Port: 80 }, TargetHealth: { Description: "Given target group is not configured to receive traffic from ELB", Reason: "Target.NotInUse", State: "unused" } }, { HealthCheckPort: "80", Target: { Id: "i-0f76fade", Port: 80 }, TargetHealth: { State: "healthy" } } ] }',
      },
      {
        url: 'https://github.com/addr2data/aws-certification-prep/blob/master/exercises/ex-006_GettingStartedLoadBalancing.rst',
        quote:
          'Recorded `aws elbv2 describe-target-health` output before a listener exists: { "Target": { "Id": "i-xxxxxxxxxxxxxxxxx", "Port": 80 }, "TargetHealth": { "State": "unused", "Reason": "Target.NotInUse", "Description": "Target group is not configured to receive traffic from the load balancer" } }; after the listener: { "Target": {...}, "HealthCheckPort": "80", "TargetHealth": { "State": "healthy" } }',
      },
    ],
    note:
      'Both sources leave HealthCheckPort out for the unused target and give it for the checked one. They word the description differently; the sandbox uses the recorded output\'s wording (2018, later than the 2016 service-model example).',
    observed: [{ steps: ['health.green.not-in-use'], path: 'TargetHealthDescriptions[0].HealthCheckPort', sandbox: '<absent>', moto: 'traffic-port' }],
  },
  {
    id: 'target-zone-dropped',
    summary: 'moto drops the AvailabilityZone of an ip target, although the replay registers it explicitly (us-east-1a).',
    awsSays: [
      {
        url: `${API}/API_TargetDescription.html`,
        quote:
          'AvailabilityZone: An Availability Zone or all. This determines whether the target receives traffic from the load balancer nodes in the specified Availability Zone or from all enabled Availability Zones for the load balancer. ... If the target type is ip and the IP address is in a subnet of the VPC for the target group, the Availability Zone is automatically detected and this parameter is optional. If the IP address is outside the VPC, this parameter is required.',
      },
    ],
    note: 'DescribeTargetHealth returns each target as this same TargetDescription; the sandbox reports every target in the region\'s first zone.',
    observed: [{ steps: HEALTH_RESPONSES, path: 'TargetHealthDescriptions[0].Target.AvailabilityZone', sandbox: 'us-east-1a', moto: '<absent>' }],
  },
  {
    id: 'weight-out-of-range-accepted',
    summary: 'moto accepts a forward weight of 1000.',
    awsSays: [{ url: `${API}/API_TargetGroupTuple.html`, quote: 'Weight: The weight. The range is 0 to 999.' }],
    observed: [{ steps: ['listener.invalid.weight-1000'], ...rejectedByAws('ValidationError') }],
  },
  {
    id: 'six-target-groups-accepted',
    summary: 'moto accepts a forward to six (existing) target groups.',
    awsSays: [
      {
        url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html',
        quote: 'Load balancers quotas table (name, default, adjustable): "Target Groups per Action per Application Load Balancer 5 No"',
      },
    ],
    observed: [{ steps: ['listener.invalid.six-groups'], ...rejectedByAws('ValidationError') }],
  },
  {
    id: 'unknown-target-group-accepted',
    summary: 'moto accepts (and stores) a forward to a target group that does not exist.',
    awsSays: [
      {
        // The same error list, as the SDK ships it: ModifyListenerCommand "@throws TargetGroupNotFoundException (client fault)".
        url: `${API}/API_ModifyListener.html`,
        quote: 'Errors: TargetGroupNotFound - The specified target group does not exist.',
      },
    ],
    observed: [{ steps: ['listener.invalid.unknown-group'], ...rejectedByAws('TargetGroupNotFoundException') }],
  },
  {
    id: 'target-group-arn-with-two-groups-accepted',
    summary: 'moto accepts TargetGroupArn next to a ForwardConfig of two groups.',
    awsSays: [
      {
        url: `${API}/API_Action.html`,
        quote:
          'If you specify both ForwardConfig and TargetGroupArn, you can specify only one target group using ForwardConfig and it must be the same target group specified in TargetGroupArn.',
      },
    ],
    observed: [{ steps: ['listener.invalid.arn-and-two-groups'], ...rejectedByAws('ValidationError') }],
  },
  {
    id: 'delete-missing-rule-succeeds',
    summary: 'moto answers DeleteRule for a rule that does not exist (here: already deleted) with success; AWS answers RuleNotFound.',
    awsSays: [{ url: `${API}/API_DeleteRule.html`, quote: 'Errors: RuleNotFound - The specified rule does not exist. HTTP Status Code: 400' }],
    note: "moto's own source says so at the spot (moto/elbv2/models.py, delete_rule): \"should raise RuleNotFound Error according to the AWS API doc\".",
    observed: [{ steps: ['rule.delete.header.again'], ...rejectedByAws('RuleNotFoundException') }],
  },
  {
    id: 'delete-default-rule-internal-error',
    summary: "moto fails DeleteRule of a listener's default rule with a 500 (a KeyError inside moto); AWS refuses it as a client error.",
    awsSays: [
      {
        url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/delete-rule.html',
        quote: "You can delete the nondefault rules for a listener at any time. You can't delete the default rule for a listener.",
      },
      { url: `${API}/API_DeleteRule.html`, quote: 'Errors: OperationNotPermitted - This operation is not allowed. HTTP Status Code: 400' },
    ],
    note: 'The reference does not tie OperationNotPermitted to the default rule in words; it is the one refusal DeleteRule lists besides RuleNotFound, and the rule exists.',
    observed: [
      { steps: ['rule.delete.default'], path: 'error.name', sandbox: 'OperationNotPermittedException', moto: 'Error' },
      { steps: ['rule.delete.default'], path: 'error.httpStatus', sandbox: 400, moto: 500 },
      { steps: ['rule.delete.default'], path: 'error.fault', sandbox: 'client', moto: null },
    ],
  },
  ...SSM_KNOWN_DIFFERENCES,
];

/** The list expanded to one entry per step, as the replay reports differences. */
export function expectedDifferences(): { step: string; path: string; sandbox: unknown; moto: unknown }[] {
  return KNOWN_DIFFERENCES.flatMap((k) => k.observed.flatMap((o) => o.steps.map((step) => ({ step, path: o.path, sandbox: o.sandbox, moto: o.moto }))));
}
