// The stickiness decision on its own, with a fixed clock and dice: which group a request goes to and
// which binding its response carries. The data plane end to end is in tests/stickiness.test.ts.
import { describe, expect, test } from '@jest/globals';
import type { ActionShape } from './model.js';
import { bindingCookies, chooseTargetGroup, decodeTargetGroupCookie, encodeTargetGroupCookie } from './stickiness.js';

const BLUE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef';
const GREEN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0123456789abcdef';
const OTHER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0123456789abcdef';
const NOW = 1_700_000_000_000;

/** A forward as the model stores it: blue 0 / green 100 unless told otherwise. */
const forward = (stickinessSeconds?: number, groups: [string, number][] = [[BLUE, 0], [GREEN, 100]]): ActionShape => ({
  Type: 'forward',
  ForwardConfig: {
    TargetGroups: groups.map(([arn, weight]) => ({ TargetGroupArn: arn, Weight: weight })),
    TargetGroupStickinessConfig: stickinessSeconds === undefined ? { Enabled: false } : { Enabled: true, DurationSeconds: stickinessSeconds },
  },
});
const cookie = (targetGroupArn: string, expiresAt: number, name = 'AWSALBTG') => `${name}=${encodeTargetGroupCookie({ targetGroupArn, expiresAt })}`;

describe('chooseTargetGroup', () => {
  test('a valid binding to a listed group wins over the weights, even weight 0, and keeps its expiry', () => {
    // re:Post "ALB to automatically redirect traffic"; argoproj/argo-rollouts#2726; Prescriptive Guidance
    // target-group stickiness (the binding is not extended by the requests it routes).
    const bound = { targetGroupArn: BLUE, expiresAt: NOW + 5000 };
    expect(chooseTargetGroup(forward(60), `theme=dark; ${cookie(BLUE, NOW + 5000)}`, NOW)).toEqual({ targetGroupArn: BLUE, binding: bound });
  });

  test('without a usable binding the weights decide and a fresh binding lasts DurationSeconds', () => {
    const fresh = { targetGroupArn: GREEN, binding: { targetGroupArn: GREEN, expiresAt: NOW + 60_000 } };
    for (const header of [undefined, 'AWSALBTG=garbage', cookie(BLUE, NOW), cookie(OTHER, NOW + 5000)]) {
      expect(chooseTargetGroup(forward(60), header, NOW)).toEqual(fresh);
    }
  });

  test('without stickiness the cookie is ignored and no binding is issued', () => {
    expect(chooseTargetGroup(forward(), cookie(BLUE, NOW + 5000), NOW)).toEqual({ targetGroupArn: GREEN });
  });

  test('AWSALBTGCORS alone binds too (what a cross-site request may carry)', () => {
    expect(chooseTargetGroup(forward(60), cookie(BLUE, NOW + 5000, 'AWSALBTGCORS'), NOW).targetGroupArn).toBe(BLUE);
  });

  test('a forward with every weight 0 and no binding has nowhere to send to', () => {
    expect(chooseTargetGroup(forward(60, [[BLUE, 0]]), undefined, NOW)).toEqual({});
  });
});

describe('the AWSALBTG cookie', () => {
  test('round-trips through its helpers and looks opaque', () => {
    const value = encodeTargetGroupCookie({ targetGroupArn: BLUE, expiresAt: NOW });
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTargetGroupCookie(value)).toEqual({ targetGroupArn: BLUE, expiresAt: NOW });
    expect(decodeTargetGroupCookie('bm90IGpzb24')).toBeUndefined();
  });

  test('is set with a 7-day Expires and Path=/, and as AWSALBTGCORS with SameSite=None; Secure', () => {
    const value = encodeTargetGroupCookie({ targetGroupArn: BLUE, expiresAt: NOW + 1000 });
    const expires = new Date(NOW + 7 * 24 * 60 * 60 * 1000).toUTCString();
    expect(bindingCookies({ targetGroupArn: BLUE, expiresAt: NOW + 1000 }, NOW)).toEqual([
      `AWSALBTG=${value}; Expires=${expires}; Path=/`,
      `AWSALBTGCORS=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`,
    ]);
  });
});
