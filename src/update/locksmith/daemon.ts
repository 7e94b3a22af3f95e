/**
 * locksmithd's flow, its I/O passed in so the machine's agent can run it
 * and tests can drive it: release this machine's hold once it is back and
 * healthy, wait for update_engine's "reboot needed", wait for the window,
 * take the lock (etcd-lock), hand off etcd leadership, reboot.
 */
import type { LocksmithdConfig } from "./config.js";
import type { HandOff } from "./leader.js";
import type { SemaphoreError } from "./semaphore.js";
import type { ChangeFeed, LockConnection } from "./store.js";
import { etcdErrorText } from "./store.js";
import { msUntilWindow, nextWindow } from "./window.js";

export const UPDATED_NEED_REBOOT = "UPDATE_STATUS_UPDATED_NEED_REBOOT";
const INITIAL_INTERVAL_MS = 5_000;
const MAX_INTERVAL_MS = 5 * 60_000;
// Short, as io.healthy() is cheap: the next machine waits for this one's release.
const HEALTH_POLL_MS = 50;

/** What locksmithd reads of update_engine: GetStatus and the StatusUpdate signal. */
export interface UpdateStatusSource {
  /** The current operation (UPDATE_STATUS_*). */
  current(): Promise<string>;
  /** Calls fn with each new operation until the returned function is called. */
  subscribe(fn: (operation: string) => void): () => void;
}

/** The reboot lock as the daemon uses it (RebootLock, or a stand-in in tests). */
export interface DaemonLock {
  lock(id: string): Promise<unknown>;
  unlock(id: string): Promise<unknown>;
  changes(): Promise<ChangeFeed>;
  close(): void;
}

export type CoordinatorState = "starting" | "running" | "reboot-planned" | "rebooting";

export interface LocksmithdIO {
  machineId: string;
  log(line: string): void;
  now(): Date;
  /** Resolves after ms, or at once when signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  updateEngine: UpdateStatusSource;
  openLock(conn: LockConnection): Promise<DaemonLock>;
  /** Whether the machine is back and healthy: its units up, its etcd member healthy. */
  healthy(): Promise<boolean>;
  /** Moves etcd leadership off this machine's member, when it runs one. */
  handOffLeadership?(): Promise<HandOff>;
  /** Asks for the reboot; the machine goes down some time after it resolves. */
  reboot(): Promise<void>;
  /** locksmith's coordinator state (/run/update-engine/coordinator.conf upstream). */
  setState?(state: CoordinatorState): void;
}

/**
 * Runs until the reboot was asked for (then until signal aborts, as the
 * machine goes down) and returns the exit status: 0, or 1 when the lock
 * cannot be set up (the unit's Restart= brings it back).
 */
export async function runLocksmithd(
  config: LocksmithdConfig,
  io: LocksmithdIO,
  signal: AbortSignal,
): Promise<number> {
  const { strategy } = config;
  if (strategy === "off") {
    io.log(`Reboot strategy is "off" - locksmithd is exiting.`);
    return 0;
  }
  if (config.window) {
    const next = nextWindow(config.window.parsed, io.now());
    io.log(
      `Reboot window start is "${config.window.start}" and length is "${config.window.length}"`,
    );
    io.log(`Next window begins at ${stamp(next.start)} and ends at ${stamp(next.end)}`);
  } else io.log("No configured reboot window");
  io.setState?.("starting");

  const usesLock = strategy === "etcd-lock" || strategy === "best-effort";
  const stopRelease = new AbortController();
  const onAbort = () => stopRelease.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const release = usesLock ? releaseWhenHealthy(config, io, stopRelease.signal) : Promise.resolve();

  try {
    let needed: boolean;
    try {
      needed = await rebootNeeded(io.updateEngine, signal, (op) => {
        io.log(`locksmithd starting currentOperation="${op}" strategy="${strategy}"`);
        io.setState?.("running");
      });
    } catch (err) {
      io.log(`Cannot get update engine status: ${(err as Error).message}`);
      return 1;
    }
    stopRelease.abort();
    await release;
    if (!needed) return 0;

    if (config.window) {
      const wait = msUntilWindow(config.window.parsed, io.now());
      if (wait > 0) {
        io.log(`Waiting for ${goDuration(wait)} to reboot.`);
        await io.sleep(wait, signal);
        if (signal.aborted) return 0;
      }
    }
    io.setState?.("reboot-planned");

    if (usesLock) {
      const held = await takeLock(config, io, signal);
      if (signal.aborted) return 0; // stopped while it waited: not a failure
      if (held === "failed") return 1;
    }
    if (io.handOffLeadership) {
      try {
        io.log((await io.handOffLeadership()).note);
      } catch (err) {
        io.log(`handing off etcd leadership failed: ${(err as Error).message}; rebooting anyway`);
      }
    }
    await io.reboot();
    io.setState?.("rebooting");
    io.log("Reboot sent. Going to sleep.");
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return 0;
  } finally {
    signal.removeEventListener("abort", onAbort);
    stopRelease.abort();
    await release;
  }
}

/** Subscribes, then asks, so no signal is lost in between; false when aborted first. */
async function rebootNeeded(
  ue: UpdateStatusSource,
  signal: AbortSignal,
  started: (operation: string) => void,
): Promise<boolean> {
  let resolveSeen: (seen: boolean) => void = () => {};
  const seen = new Promise<boolean>((resolve) => {
    resolveSeen = resolve;
  });
  const unsubscribe = ue.subscribe((op) => {
    if (op === UPDATED_NEED_REBOOT) resolveSeen(true);
  });
  const onAbort = () => resolveSeen(false);
  signal.addEventListener("abort", onAbort, { once: true });
  // A signal aborted before the listener was added never calls it.
  if (signal.aborted) onAbort();
  try {
    const asked = ue.current();
    asked.catch(() => {}); // when the wait ends first, a late failure of the ask is moot
    const op = await Promise.race([asked, seen.then(() => undefined)]);
    if (op === undefined) return await seen;
    started(op);
    if (op === UPDATED_NEED_REBOOT) return true;
    return await seen;
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Once the machine is healthy, gives back any slot this machine holds
 * (the one it took before its last reboot), retrying with backoff.
 */
async function releaseWhenHealthy(
  config: LocksmithdConfig,
  io: LocksmithdIO,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted && !(await io.healthy().catch(() => false))) {
    await io.sleep(HEALTH_POLL_MS, signal);
  }
  let interval = INITIAL_INTERVAL_MS;
  while (!signal.aborted) {
    let reason: string;
    try {
      const lock = await io.openLock(config.connection);
      try {
        await unlockIfHeld(lock, io);
        return;
      } finally {
        lock.close();
      }
    } catch (err) {
      reason = etcdErrorText(err);
    }
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
    io.log(`Unlocking old locks failed: ${reason}. Retrying in ${goDuration(interval)}.`);
    await io.sleep(interval, signal);
  }
}

async function unlockIfHeld(lock: DaemonLock, io: LocksmithdIO): Promise<void> {
  try {
    await lock.unlock(io.machineId);
    io.log("Unlocked existing lock for this machine");
  } catch (err) {
    if ((err as SemaphoreError).refusal !== "holder-missing") throw err;
  }
}

/**
 * etcd-lock: a slot in the semaphore, waiting for one as long as it takes
 * (woken early when the key changes). best-effort without a reachable etcd
 * reboots without one.
 */
async function takeLock(
  config: LocksmithdConfig,
  io: LocksmithdIO,
  signal: AbortSignal,
): Promise<"held" | "skipped" | "failed"> {
  let lock: DaemonLock;
  try {
    lock = await io.openLock(config.connection);
  } catch (err) {
    if (config.strategy === "best-effort") {
      io.log(`etcd is not reachable (${etcdErrorText(err)}): best-effort reboots without the lock`);
      return "skipped";
    }
    io.log(`Failed to set up lock: Error initializing etcd client: ${etcdErrorText(err)}`);
    return "failed";
  }
  try {
    try {
      await unlockIfHeld(lock, io);
    } catch (err) {
      io.log(`Failed to unlock held lock: ${etcdErrorText(err)}`);
      return "failed";
    }
    const feed = await lock.changes();
    try {
      let interval = INITIAL_INTERVAL_MS;
      let woken = false;
      while (!signal.aborted) {
        try {
          await lock.lock(io.machineId);
          return "held";
        } catch (err) {
          if ((err as SemaphoreError).refusal === "holder-exists") return "held";
          // Backoff counts waits that ran out, not wake-ups by a change of the key.
          if (!woken) interval = Math.min(interval * 2, MAX_INTERVAL_MS);
          io.log(
            `Failed to acquire lock: ${etcdErrorText(err)}. Retrying in ${goDuration(interval)}.`,
          );
          const waited = io.now().getTime();
          await feed.next(interval, signal);
          woken = io.now().getTime() - waited < interval;
        }
      }
      return "failed";
    } finally {
      await feed.close();
    }
  } finally {
    lock.close();
  }
}

/** Go's time.Duration.String for whole milliseconds: 10s, 5m0s, 1h30m0s, 1.5s, 500ms. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${s}s`;
}

/** A local time for the log: 2026-11-26 23:00:00 +0100. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const zone = `${off >= 0 ? "+" : "-"}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone}`;
}
