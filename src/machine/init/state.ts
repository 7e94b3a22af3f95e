/**
 * A unit's runtime state and the one function that changes it. systemd's
 * ActiveState/SubState pairs: `transition` is the only place either moves,
 * so every state a unit can show, and what leads to it, is in this file.
 * Pure.
 */

export type ActiveState = "inactive" | "activating" | "active" | "deactivating" | "failed";

export interface UnitStatus {
  active: ActiveState;
  sub: string;
  /** Why the unit last failed or was refused; cleared when a start begins. */
  reason?: string;
}

export type UnitEvent =
  /** A start job begins: the last failure's reason is forgotten. */
  | { type: "begin" }
  /** Why a start did not happen or did not finish (masked, timed out): only the reason changes. */
  | { type: "reason"; reason: string }
  /** ExecStartPre= lines run. */
  | { type: "start-pre" }
  /** ExecStart= runs (oneshot), or a Type=notify service waits for its ready line. */
  | { type: "start" }
  /** Up: a target (`active`), a running main process (`running`), a finished oneshot that remains (`exited`). */
  | { type: "started"; sub: "active" | "running" | "exited" }
  /** A oneshot without RemainAfterExit= ran to completion. */
  | { type: "finished" }
  | { type: "failed"; reason: string }
  /** The main process ended on its own. */
  | { type: "main-exited"; clean: boolean; reason: string }
  /** Restart= applies: RestartSec= is running out. */
  | { type: "auto-restart" }
  /** RestartSec= ran out: the unit is startable again. */
  | { type: "restart-due" }
  /** A stop job runs ExecStop= and signals the processes. */
  | { type: "stopping" }
  /** A stop job is over. */
  | { type: "stopped" }
  /** A stop found nothing running: a failed unit stays failed, as in systemd. */
  | { type: "stop-idle" };

export const INITIAL: UnitStatus = { active: "inactive", sub: "dead" };

export function transition(s: UnitStatus, e: UnitEvent): UnitStatus {
  switch (e.type) {
    case "begin":
      return { active: s.active, sub: s.sub };
    case "reason":
      return { ...s, reason: e.reason };
    case "start-pre":
      return keep(s, "activating", "start-pre");
    case "start":
      return keep(s, "activating", "start");
    case "started":
      return keep(s, "active", e.sub);
    case "finished":
      return keep(s, "inactive", "dead");
    case "failed":
      return { active: "failed", sub: "failed", reason: e.reason };
    case "main-exited":
      return e.clean
        ? keep(s, "inactive", "dead")
        : { active: "failed", sub: "failed", reason: e.reason };
    case "auto-restart":
      return keep(s, "activating", "auto-restart");
    case "restart-due":
      return isRestartPending(s) ? keep(s, "inactive", "dead") : s;
    case "stopping":
      return keep(s, "deactivating", "stop");
    case "stopped":
      return keep(s, "inactive", "dead");
    case "stop-idle":
      return s.active === "failed" ? keep(s, "failed", "failed") : keep(s, "inactive", "dead");
  }
}

/** True while RestartSec= runs: a restart job is still wanted. */
export function isRestartPending(s: UnitStatus): boolean {
  return s.sub === "auto-restart";
}

/** True when a start job may (re)load the unit file: nothing of it runs. */
export function isDown(s: UnitStatus): boolean {
  return s.active === "inactive" || s.active === "failed";
}

function keep(s: UnitStatus, active: ActiveState, sub: string): UnitStatus {
  return s.reason === undefined ? { active, sub } : { active, sub, reason: s.reason };
}
