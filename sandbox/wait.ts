// Polling an in-process condition: the sandbox's state is local, so checking it is cheap and exact.

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

export async function waitFor<T>(
  check: () => T | undefined | null | false,
  o: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new WaitTimeout(`timed out after ${o.timeoutMs ?? 10_000} ms waiting for ${o.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 20));
  }
}
