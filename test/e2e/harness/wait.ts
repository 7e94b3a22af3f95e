import { waitFor as poll } from "../../../src/host/index.js";

/**
 * Polls a condition until it holds, for tests: shoal's own waitFor, but a
 * timeout fails the test naming what it waited for (and the last error the
 * check threw). Tests wait on conditions, never on sleeps.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<T> {
  let lastError: unknown;
  const value = await poll(
    async () => {
      try {
        return await check();
      } catch (err) {
        lastError = err; // not ready yet (refused, not written): ask again
        return undefined;
      }
    },
    { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: opts.intervalMs ?? 50 },
  );
  if (value === undefined) {
    const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
    throw new Error(`timed out waiting for ${opts.what}${why}`);
  }
  return value;
}
