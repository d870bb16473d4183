// Sandboxes shared by concurrent tests, one test at a time each: injected faults apply to a whole sandbox, so
// two cells must never share one, but cells that mostly wait (for rollouts, pauses, bakes) can run side by side.
import type { Sandbox } from '../../sandbox/index.js';

export class Lanes<S extends { sandbox: Sandbox }> {
  private readonly free: S[] = [];
  private readonly waiting: ((lane: S) => void)[] = [];
  private readonly started: Promise<S>[] = [];

  constructor(
    private readonly size: number,
    private readonly start: () => Promise<S>,
  ) {}

  /** A lane of its own until `release`; started on first use (jest may start concurrent tests before beforeAll ends). */
  async acquire(): Promise<S> {
    if (this.started.length < this.size) {
      const lane = this.start();
      this.started.push(lane);
      return lane;
    }
    const idle = this.free.pop();
    if (idle) return idle;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(lane: S): void {
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.free.push(lane);
  }

  /** Runs `body` on a lane of its own. */
  async with<T>(body: (lane: S) => Promise<T>): Promise<T> {
    const lane = await this.acquire();
    try {
      return await body(lane);
    } finally {
      this.release(lane);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.started.map(async (lane) => (await lane).sandbox.stop()));
  }
}
