/**
 * Whether a boot completed, as coreos-setgoodroot needs to know (pure): the
 * boot finished, every unit cloud-config started is active, and the
 * machine's etcd member, if it runs one, is healthy. A trial boot (a new
 * slot's one try) is held to the units that were active when the last good
 * boot completed, so a unit that never ran on this machine (the sample's
 * flanneld) does not send every update back.
 */
import type { BootState } from "../control/types.js";

export type BootVerdict =
  | { kind: "good" }
  /** It will not complete: a trial boot gives up at once. */
  | { kind: "bad"; reason: string }
  | { kind: "pending"; reason: string };

export interface BootFacts {
  boot: BootState;
  /** Why the boot failed, when it did. */
  reason?: string;
  /** The units cloud-config started (or restarted), with their active state now. */
  started: ReadonlyArray<{ name: string; active: string; reason?: string }>;
  /** Units whose cloud-config command failed during this boot. */
  failedCommands: ReadonlySet<string>;
  /** Units not active when the last good boot completed. */
  knownInactive: ReadonlySet<string>;
  trial: boolean;
  /** The member's health: undefined on a machine without an etcd member. */
  etcd?: { healthy: true } | { healthy: false; reason: string };
}

export function bootVerdict(f: BootFacts): BootVerdict {
  if (f.boot === "failed") return { kind: "bad", reason: `the boot failed: ${f.reason ?? "?"}` };
  if (f.boot !== "running") return { kind: "pending", reason: `the boot is ${f.boot}` };
  if (f.trial) {
    const held = f.started.filter((u) => !f.knownInactive.has(u.name));
    const broken = held.find((u) => u.active === "failed" || f.failedCommands.has(u.name));
    if (broken)
      return {
        kind: "bad",
        reason: `${broken.name} failed${broken.reason ? `: ${broken.reason}` : ""}`,
      };
    const waiting = held.find((u) => u.active !== "active");
    if (waiting) return { kind: "pending", reason: `${waiting.name} is ${waiting.active}` };
  }
  if (f.etcd && !f.etcd.healthy) return { kind: "pending", reason: f.etcd.reason };
  return { kind: "good" };
}
