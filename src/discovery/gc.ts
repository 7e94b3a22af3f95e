/** Token garbage collection: expired tokens, their members and history go away on a timer. */
import type { Clock } from "./clock.js";
import type { Store } from "./store.js";

/** How often GC runs for a token lifetime: a tenth of it, between 1 s and 5 min. */
export const gcInterval = (tokenTtlMs: number) =>
  Math.min(300_000, Math.max(1_000, tokenTtlMs / 10));

/** Runs `store.deleteExpired` every `intervalMs` until the returned stop function is called. */
export function startGc(
  store: Store,
  clock: Clock,
  intervalMs: number,
  onError: (err: unknown) => void = () => {},
): () => void {
  let cancel: () => void = () => {};
  let stopped = false;
  const tick = () => {
    store
      .deleteExpired(clock.now())
      .catch(onError)
      .finally(() => {
        if (!stopped) cancel = clock.after(intervalMs, tick);
      });
  };
  cancel = clock.after(intervalMs, tick);
  return () => {
    stopped = true;
    cancel();
  };
}
