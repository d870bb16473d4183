import { beforeEach, describe, expect, it, jest } from '@jest/globals';

const notice = jest.fn();
const warning = jest.fn();
const error = jest.fn();
jest.unstable_mockModule('@actions/core', () => ({ notice, warning, error, ExitCode: { Success: 0, Failure: 1 } }));
const { TITLES, announceSwitch, failStep, warnDrift, warnLockTakeover } = await import('../src/report/annotations.js');

beforeEach(() => {
  jest.clearAllMocks();
});

describe('annotations', () => {
  it('announces a full switch with the colour in the title', () => {
    announceSwitch('blue', 'green', { blue: 0, green: 100 });
    expect(notice).toHaveBeenCalledWith('Switched traffic from blue to green: blue 0% / green 100%.', {
      title: 'Traffic switched to green',
    });
  });

  it('announces a canary step as a shift', () => {
    announceSwitch('green', 'blue', { blue: 10, green: 90 });
    expect(notice).toHaveBeenCalledWith('Shifted traffic from green to blue: blue 10% / green 90%.', {
      title: 'Traffic shifted: blue at 10%',
    });
  });

  it('warns about drift between the parameter and the listener', () => {
    warnDrift('blue', 'green', '/deploy/web/live');
    expect(warning).toHaveBeenCalledWith(
      'The state parameter /deploy/web/live records "blue" but the listener forwards to green; trusting the listener (green is live) and correcting the record.',
      { title: TITLES.drift },
    );
    warnDrift('purple', 'blue');
    expect(warning).toHaveBeenLastCalledWith(expect.stringMatching(/^The state parameter records "purple" but the listener forwards to blue/), {
      title: 'Live colour drift',
    });
  });

  it('warns about a lock takeover, naming the holder', () => {
    warnLockTakeover('owner/repo workflow "Deploy" run 41\n(attempt 1)');
    expect(warning).toHaveBeenCalledWith('Took over a stale deployment lock held by owner/repo workflow "Deploy" run 41 (attempt 1).', {
      title: 'Deployment lock taken over',
    });
  });

  it('fails the step with one titled error annotation on one line', () => {
    const before = process.exitCode;
    try {
      failStep('bake: health check http://green/health: status 503\nthree times in a row. Traffic is back on blue.', TITLES.rolledBack);
      expect(error).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith('bake: health check http://green/health: status 503 three times in a row. Traffic is back on blue.', {
        title: 'Blue-green deploy rolled back',
      });
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
  });
});
