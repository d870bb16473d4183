import { describe, expect, it } from '@jest/globals';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { UnsafeListenerState } from '../src/errors.js';
import {
  colourOfTargetGroup,
  describeActions,
  findForwardAction,
  forwardTargets,
  liveColourOf,
  readSplit,
  sameActions,
  withSplit,
} from '../src/traffic.js';
import type { Colour, TrafficSplit } from '../src/types.js';

const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1111111111111111';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2222222222222222';
const OTHER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/legacy/3333333333333333';
const TGS: Record<Colour, string> = { blue: BLUE, green: GREEN };

const plainForward = (arn: string): Action => ({ Type: 'forward', TargetGroupArn: arn });

/** What DescribeListeners returns for a listener created with a plain TargetGroupArn forward. */
const describedPlainForward = (arn: string): Action => ({
  Type: 'forward',
  TargetGroupArn: arn,
  ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
});

const weighted = (blue: number | undefined, green: number | undefined, extra: Partial<Action> = {}): Action => ({
  Type: 'forward',
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, ...(blue !== undefined && { Weight: blue }) },
      { TargetGroupArn: GREEN, ...(green !== undefined && { Weight: green }) },
    ],
  },
  ...extra,
});

const oidc: Action = {
  Type: 'authenticate-oidc',
  Order: 1,
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/authorize',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'client',
    OnUnauthenticatedRequest: 'authenticate',
    AuthenticationRequestExtraParams: { prompt: 'login', display: 'page' },
  },
};

const stickyForward: Action = {
  Type: 'forward',
  Order: 2,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, Weight: 1 },
      { TargetGroupArn: GREEN, Weight: 0 },
    ],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
  },
};

describe('findForwardAction', () => {
  it('finds the forward action after an authenticate action', () => {
    const { index, action } = findForwardAction([oidc, stickyForward]);
    expect(index).toBe(1);
    expect(action).toBe(stickyForward);
  });

  it('refuses a listener without a forward action and says what it found', () => {
    const actions: Action[] = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }];
    expect(() => findForwardAction(actions)).toThrow(UnsafeListenerState);
    expect(() => findForwardAction(actions)).toThrow(/No forward action found \(actions: fixed-response\)/);
    expect(() => findForwardAction([])).toThrow(/actions: none/);
  });

  it('refuses more than one forward action', () => {
    expect(() => findForwardAction([plainForward(BLUE), plainForward(GREEN)])).toThrow(/2 forward actions found \(actions: forward, forward\)/);
  });
});

describe('forwardTargets', () => {
  it('reads a plain TargetGroupArn forward as one group of weight 1', () => {
    expect(forwardTargets(plainForward(BLUE))).toEqual([{ targetGroupArn: BLUE, weight: 1 }]);
  });

  it('reads ForwardConfig target groups with their weights', () => {
    expect(forwardTargets(weighted(80, 20))).toEqual([
      { targetGroupArn: BLUE, weight: 80 },
      { targetGroupArn: GREEN, weight: 20 },
    ]);
  });

  it('treats a missing Weight as 1', () => {
    expect(forwardTargets(weighted(undefined, undefined)).map((t) => t.weight)).toEqual([1, 1]);
  });

  it('reads the both-fields shape AWS describes', () => {
    expect(forwardTargets(describedPlainForward(GREEN))).toEqual([{ targetGroupArn: GREEN, weight: 1 }]);
  });

  it('refuses a TargetGroupArn that ForwardConfig does not list', () => {
    const action: Action = { ...weighted(1, 0), TargetGroupArn: OTHER };
    expect(() => forwardTargets(action)).toThrow(UnsafeListenerState);
    expect(() => forwardTargets(action)).toThrow(OTHER);
  });

  it('falls back to TargetGroupArn when ForwardConfig lists no groups', () => {
    expect(forwardTargets({ Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [] } })).toEqual([
      { targetGroupArn: BLUE, weight: 1 },
    ]);
  });

  it('refuses a forward without any target group, or a tuple without an ARN', () => {
    expect(() => forwardTargets({ Type: 'forward' })).toThrow(/neither a TargetGroupArn nor ForwardConfig/);
    expect(() => forwardTargets({ Type: 'forward', ForwardConfig: { TargetGroups: [{ Weight: 1 }] } })).toThrow(/#1 has no TargetGroupArn/);
  });
});

describe('readSplit', () => {
  it.each<[string, Action[], TrafficSplit]>([
    ['plain TargetGroupArn to blue', [plainForward(BLUE)], { blue: 100, green: 0 }],
    ['plain TargetGroupArn to green', [plainForward(GREEN)], { blue: 0, green: 100 }],
    ['described plain forward', [describedPlainForward(GREEN)], { blue: 0, green: 100 }],
    ['single-group ForwardConfig without weight', [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE }] } }], { blue: 100, green: 0 }],
    ['blue 1, green 0', [weighted(1, 0)], { blue: 100, green: 0 }],
    ['both weights missing', [weighted(undefined, undefined)], { blue: 50, green: 50 }],
    ['weights normalised', [weighted(3, 1)], { blue: 75, green: 25 }],
    ['weights above 100', [weighted(900, 100)], { blue: 90, green: 10 }],
    ['authenticate before forward', [oidc, stickyForward], { blue: 100, green: 0 }],
  ])('%s', (_name, actions, expected) => {
    const split = readSplit(actions, TGS);
    expect(split).toEqual(expected);
    expect(split.blue + split.green).toBe(100);
  });

  it('gives a colour with a sliver of weight at least 1%, so it is seen as split', () => {
    expect(readSplit([weighted(1, 999)], TGS)).toEqual({ blue: 1, green: 99 });
    expect(readSplit([weighted(999, 1)], TGS)).toEqual({ blue: 99, green: 1 });
    expect(liveColourOf(readSplit([weighted(999, 1)], TGS))).toBe('split');
  });

  it('adds up a colour listed twice', () => {
    const action: Action = {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE, Weight: 1 },
          { TargetGroupArn: BLUE, Weight: 1 },
          { TargetGroupArn: GREEN, Weight: 2 },
        ],
      },
    };
    expect(readSplit([action], TGS)).toEqual({ blue: 50, green: 50 });
  });

  it('refuses a target group that is neither colour, naming it', () => {
    const action: Action = { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }, { TargetGroupArn: OTHER, Weight: 0 }] } };
    expect(() => readSplit([action], TGS)).toThrow(UnsafeListenerState);
    expect(() => readSplit([action], TGS)).toThrow(`target group ${OTHER}, which is neither blue`);
    expect(() => readSplit([plainForward(OTHER)], TGS)).toThrow(OTHER);
  });

  it('refuses a forward whose weights are all 0', () => {
    expect(() => readSplit([weighted(0, 0)], TGS)).toThrow(UnsafeListenerState);
    expect(() => readSplit([weighted(0, 0)], TGS)).toThrow(/weight 0 \(blue 0, green 0\)/);
  });

  it('refuses actions without a forward', () => {
    expect(() => readSplit([{ Type: 'redirect' }], TGS)).toThrow(UnsafeListenerState);
  });
});

describe('liveColourOf', () => {
  it('names the colour with all traffic, or split', () => {
    expect(liveColourOf({ blue: 100, green: 0 })).toBe('blue');
    expect(liveColourOf({ blue: 0, green: 100 })).toBe('green');
    expect(liveColourOf({ blue: 90, green: 10 })).toBe('split');
  });

  it('refuses a split with no traffic at all', () => {
    expect(() => liveColourOf({ blue: 0, green: 0 })).toThrow(UnsafeListenerState);
  });
});

describe('colourOfTargetGroup', () => {
  it('maps ARNs to colours', () => {
    expect(colourOfTargetGroup(GREEN, TGS)).toBe('green');
    expect(colourOfTargetGroup(OTHER, TGS)).toBeUndefined();
  });
});

describe('withSplit', () => {
  it('turns a plain forward into a weighted ForwardConfig listing both colours', () => {
    const out = withSplit([plainForward(BLUE)], TGS, { blue: 90, green: 10 });
    expect(out).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 90 },
            { TargetGroupArn: GREEN, Weight: 10 },
          ],
        },
      },
    ]);
  });

  it('keeps the colour at 0% listed and drops the top-level TargetGroupArn', () => {
    const [forward] = withSplit([describedPlainForward(BLUE)], TGS, { blue: 0, green: 100 });
    expect(forward?.TargetGroupArn).toBeUndefined();
    expect(forward?.ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: BLUE, Weight: 0 },
        { TargetGroupArn: GREEN, Weight: 100 },
      ],
      TargetGroupStickinessConfig: { Enabled: false },
    });
  });

  it('changes only the forward: other actions, Order and stickiness stay as they were', () => {
    const fixed: Action = { Type: 'fixed-response', Order: 3, FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } };
    const before = [oidc, stickyForward, fixed];
    const snapshot = structuredClone(before);
    const out = withSplit(before, TGS, { blue: 25, green: 75 });
    expect(out[0]).toEqual(oidc);
    expect(out[2]).toEqual(fixed);
    expect(out[1]?.Order).toBe(2);
    expect(out[1]?.ForwardConfig?.TargetGroupStickinessConfig).toEqual({ Enabled: true, DurationSeconds: 3600 });
    expect(out[1]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 25 },
      { TargetGroupArn: GREEN, Weight: 75 },
    ]);
    // a deep copy: the input is untouched and shares nothing with the output
    expect(before).toEqual(snapshot);
    expect(out[0]).not.toBe(oidc);
    expect(out[0]?.AuthenticateOidcConfig).not.toBe(oidc.AuthenticateOidcConfig);
  });

  it('round-trips: readSplit(withSplit(split)) is the split', () => {
    const splits: TrafficSplit[] = [
      { blue: 100, green: 0 },
      { blue: 0, green: 100 },
      { blue: 90, green: 10 },
      { blue: 1, green: 99 },
      { blue: 50, green: 50 },
    ];
    for (const split of splits) {
      for (const start of [[plainForward(GREEN)], [oidc, stickyForward], [describedPlainForward(BLUE)]]) {
        expect(readSplit(withSplit(start, TGS, split), TGS)).toEqual(split);
      }
    }
  });

  it('refuses a listener that forwards to a foreign target group rather than dropping it', () => {
    const action: Action = { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }, { TargetGroupArn: OTHER, Weight: 1 }] } };
    expect(() => withSplit([action], TGS, { blue: 100, green: 0 })).toThrow(UnsafeListenerState);
  });

  it.each<TrafficSplit>([
    { blue: 60, green: 60 },
    { blue: 50.5, green: 49.5 },
    { blue: -10, green: 110 },
  ])('refuses an invalid split %j', (split) => {
    expect(() => withSplit([plainForward(BLUE)], TGS, split)).toThrow(RangeError);
  });
});

describe('describeActions', () => {
  it('describes a plain forward with both colours', () => {
    expect(describeActions([plainForward(BLUE)], TGS)).toBe('forward blue 100% / green 0% (stickiness off)');
  });

  it('describes a weighted, sticky forward after an authenticate action', () => {
    const actions = withSplit([oidc, stickyForward], TGS, { blue: 75, green: 25 });
    expect(describeActions(actions, TGS)).toBe('forward blue 75% / green 25% (stickiness on, 3600s); authenticate-oidc first');
  });

  it('orders by Order, not by position', () => {
    expect(describeActions([{ ...stickyForward }, { ...oidc }], TGS)).toMatch(/authenticate-oidc first$/);
  });

  it('names target groups from their ARN when colours are unknown or foreign', () => {
    expect(describeActions([weighted(1, 1)])).toBe('forward web-blue 50% / web-green 50% (stickiness off)');
    const foreign: Action = { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: OTHER, Weight: 1 }, { TargetGroupArn: 'not-an-arn', Weight: 1 }] } };
    expect(describeActions([foreign], TGS)).toBe('forward blue 0% / green 0% / legacy 50% / not-an-arn 50% (stickiness off)');
  });

  it('describes listeners without a forward and never throws', () => {
    expect(describeActions([])).toBe('no actions');
    expect(describeActions([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }])).toBe('fixed-response 503');
    expect(describeActions([{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301' } }])).toBe('redirect HTTP_301');
    expect(describeActions([{ Type: 'forward' }])).toBe('forward (no target group)');
    expect(describeActions([weighted(0, 0)], TGS)).toBe('forward blue 0% / green 0% (stickiness off)');
    expect(describeActions([{ Type: 'authenticate-cognito' }, { Type: 'fixed-response' }])).toBe('authenticate-cognito, then fixed-response');
  });

  it('mentions actions after the forward', () => {
    expect(describeActions([plainForward(BLUE), plainForward(GREEN)], TGS)).toBe(
      'forward blue 100% / green 0% (stickiness off); then forward blue 0% / green 100% (stickiness off)',
    );
    expect(describeActions([plainForward(BLUE), { Type: 'redirect' }], TGS)).toMatch(/; then redirect$/);
  });

  it('shows stickiness with an unknown duration', () => {
    const action: Action = { ...weighted(1, 0), ForwardConfig: { ...weighted(1, 0).ForwardConfig, TargetGroupStickinessConfig: { Enabled: true } } };
    expect(describeActions([action], TGS)).toContain('stickiness on, ?s');
  });
});

describe('sameActions', () => {
  it('treats TargetGroupArn and a single-group ForwardConfig as the same', () => {
    expect(sameActions([plainForward(BLUE)], [describedPlainForward(BLUE)])).toBe(true);
    expect(sameActions([plainForward(BLUE)], [plainForward(GREEN)])).toBe(false);
  });

  it('compares traffic shares, not raw weights, and ignores groups at weight 0', () => {
    expect(sameActions([weighted(1, 1)], [weighted(50, 50)])).toBe(true);
    expect(sameActions([weighted(100, 0)], [plainForward(BLUE)])).toBe(true);
    expect(sameActions([weighted(90, 10)], [weighted(80, 20)])).toBe(false);
    expect(sameActions([weighted(undefined, undefined)], [weighted(50, 50)])).toBe(true);
    expect(sameActions([weighted(50, 50)], [plainForward(BLUE)])).toBe(false);
    expect(sameActions([weighted(0, 0)], [weighted(0, 0)])).toBe(true);
    expect(sameActions([weighted(0, 0)], [plainForward(BLUE)])).toBe(false);
  });

  it('confirms what withSplit wrote against what AWS reads back', () => {
    const written = withSplit([oidc, stickyForward], TGS, { blue: 10, green: 90 });
    const readBack = structuredClone(written);
    // AWS adds Order to every action and never returns the OIDC client secret.
    readBack[1] = { ...readBack[1], Order: 2, Type: 'forward' };
    expect(sameActions(written, readBack)).toBe(true);
  });

  it('notices a change to stickiness', () => {
    const off = withSplit([stickyForward], TGS, { blue: 100, green: 0 });
    const on = structuredClone(off);
    on[0]!.ForwardConfig!.TargetGroupStickinessConfig = { Enabled: true, DurationSeconds: 60 };
    expect(sameActions(off, on)).toBe(false);
    const absent = withSplit([weighted(1, 0)], TGS, { blue: 100, green: 0 });
    const disabled = structuredClone(absent);
    disabled[0]!.ForwardConfig!.TargetGroupStickinessConfig = { Enabled: false, DurationSeconds: 60 };
    expect(sameActions(absent, disabled)).toBe(true);
  });

  it('notices other actions changing, disappearing or moving', () => {
    const changed: Action = { ...oidc, AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig!, ClientId: 'other' } };
    expect(sameActions([oidc, stickyForward], [changed, stickyForward])).toBe(false);
    expect(sameActions([oidc, stickyForward], [stickyForward])).toBe(false);
    expect(sameActions([oidc, stickyForward], [{ ...oidc, Order: 3 }, stickyForward])).toBe(false);
  });

  it('ignores the OIDC client secret fields and key order', () => {
    const withSecret: Action = {
      Type: 'authenticate-oidc',
      AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig!, ClientSecret: 's3cret', UseExistingClientSecret: true, AuthenticationRequestExtraParams: { display: 'page', prompt: 'login' } },
      Order: 1,
    };
    expect(sameActions([withSecret, stickyForward], [oidc, stickyForward])).toBe(true);
  });

  it('treats null like absent, and keeps position between actions of equal Order', () => {
    const withNull = { ...oidc, RedirectConfig: null } as unknown as Action;
    expect(sameActions([withNull, stickyForward], [oidc, stickyForward])).toBe(true);
    const a: Action = { Type: 'authenticate-cognito', Order: 1 };
    const b: Action = { Type: 'authenticate-oidc', Order: 1 };
    expect(sameActions([a, b, plainForward(BLUE)], [a, b, plainForward(BLUE)])).toBe(true);
    expect(sameActions([a, b, plainForward(BLUE)], [b, a, plainForward(BLUE)])).toBe(false);
  });

  it('compares forwards that cannot be read', () => {
    expect(sameActions([{ Type: 'forward' }], [{ Type: 'forward' }])).toBe(true);
    expect(sameActions([{ Type: 'forward' }], [plainForward(BLUE)])).toBe(false);
  });
});
