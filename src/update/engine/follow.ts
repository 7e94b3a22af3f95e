/**
 * update_engine's status as another service of the machine reads it
 * (locksmithd, as upstream over D-Bus): GetStatus, and the StatusUpdate
 * signal through a `watch` that reconnects when the engine restarts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { callControl } from "./control.js";
import type { EngineState } from "./status.js";

export interface StatusFollower {
  /** The current operation (UPDATE_STATUS_*), once the engine answers; waits for it. */
  current(): Promise<string>;
  /** Calls fn with each new operation until the returned function is called. */
  subscribe(fn: (operation: string) => void): () => void;
}

const RETRY_MS = 250;

export function followStatus(
  socketPath: string,
  opts: { timeoutMs?: number; retryMs?: number } = {},
): StatusFollower {
  const retryMs = opts.retryMs ?? RETRY_MS;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const listeners = new Set<(op: string) => void>();
  let watching: AbortController | undefined;
  // Settles once a watch is connected: a status read after that misses no change.
  let connected: Promise<void> = Promise.resolve();

  const watch = () => {
    const stop = new AbortController();
    let ready: () => void = () => {};
    connected = new Promise((r) => {
      ready = r;
    });
    void (async () => {
      while (!stop.signal.aborted) {
        await callControl(
          socketPath,
          { op: "watch" },
          (reply) => {
            if ("state" in reply) for (const fn of listeners) fn(reply.state.status);
          },
          stop.signal,
          ready,
        ).catch(() => {}); // no engine yet, or it went away: try again
        if (!stop.signal.aborted) await pause(retryMs, stop.signal);
      }
    })();
    return stop;
  };

  return {
    async current() {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await Promise.race([connected, pause(retryMs)]);
        try {
          let state: EngineState | undefined;
          await callControl(socketPath, { op: "status" }, (r) => {
            if ("state" in r) state = r.state;
          });
          if (state) return state.status;
        } catch (err) {
          if (Date.now() >= deadline)
            throw new Error(`update_engine does not answer at ${socketPath}: ${String(err)}`);
        }
        await pause(retryMs);
      }
    },
    subscribe(fn) {
      listeners.add(fn);
      watching ??= watch();
      return () => {
        listeners.delete(fn);
        if (listeners.size === 0) {
          watching?.abort();
          watching = undefined;
        }
      };
    },
  };
}

/** Resolves after ms, or at once when signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => {});
}
