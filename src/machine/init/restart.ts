/**
 * Restart= and the start rate limit (StartLimitBurst=, StartLimitIntervalSec=),
 * as systemd applies them. Pure: the time is passed in, so the rules are
 * tested without waiting.
 */
import type { RestartPolicy } from "./spec.js";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Whether Restart= wants the service started again after its main process ended so. */
export function wantsRestart(policy: RestartPolicy, exit: ExitStatus): boolean {
  const clean = isClean(exit);
  switch (policy) {
    case "always":
      return true;
    case "on-success":
      return clean;
    case "on-failure":
      return !clean;
    case "on-abnormal":
    case "on-abort":
      return exit.signal !== null;
    case "no":
    case "on-watchdog":
      return false;
  }
}

export function isClean(exit: ExitStatus): boolean {
  return exit.code === 0 && !exit.signal;
}

/** The journal's words for how a main process ended, and the unit's failure reason. */
export function describeExit(exit: ExitStatus): { how: string; reason: string } {
  return exit.signal
    ? {
        how: `code=killed, signal=${exit.signal.replace(/^SIG/, "")}`,
        reason: `main process killed by ${exit.signal}`,
      }
    : {
        how: `code=exited, status=${exit.code}`,
        reason: `main process exited with status ${exit.code}`,
      };
}

export interface StartLimit {
  burst: number;
  intervalMs: number;
}

/**
 * Admits a start unless `burst` starts already happened within the last
 * `intervalMs`; returns the start times to keep (this one included when
 * admitted). An interval of 0 turns the limit off, as in systemd.
 */
export function admitStart(
  starts: readonly number[],
  now: number,
  limit: StartLimit,
): { ok: boolean; starts: number[] } {
  if (limit.intervalMs === 0 || limit.burst === 0) return { ok: true, starts: [] };
  const recent = starts.filter((t) => now - t < limit.intervalMs);
  if (recent.length >= limit.burst) return { ok: false, starts: recent };
  return { ok: true, starts: [...recent, now] };
}
