/**
 * coreos-setgoodroot in the agent: watches a boot until boot-verdict.ts
 * calls it complete, then marks the slot it runs good and remembers which
 * cloud-config units were not active. A trial boot of a new slot that will
 * not complete (a unit failed, or TRIAL_BOOT_MS passed) reboots, and the
 * GPT rules then bring the machine back on the other slot.
 */
import { health } from "../../etcd/http.js";
import {
  type BootSlot,
  knownInactive,
  markBootGood,
  onTrial,
  saveKnownInactive,
} from "../boot-slot.js";
import { type BootFacts, bootVerdict } from "./boot-verdict.js";

/** How long a trial boot of a new slot may take to complete before the machine goes back. */
const TRIAL_BOOT_MS = 120_000;

export interface BootWatch {
  machineDir: string;
  version: string;
  slot: BootSlot;
  /** The boot as it stands: its state, cloud-config's units, the etcd member's health. */
  look(): Promise<Omit<BootFacts, "knownInactive" | "trial">>;
  /** A halt or reboot is under way: the verdict no longer matters. */
  stopping(): boolean;
  completed(): void;
  reboot(why: string): void;
  log(message: string): void;
}

export async function confirmBoot(w: BootWatch): Promise<void> {
  const trial = onTrial(w.machineDir, w.version);
  const known = knownInactive(w.machineDir);
  const deadline = Date.now() + TRIAL_BOOT_MS;
  const slot = `${w.slot.label} (release ${w.slot.version})`;
  // Polled often: in a rolling update the next machine waits for this verdict.
  for (let wait = 50; !w.stopping(); wait = Math.min(wait * 2, 200)) {
    const facts = await w.look();
    const verdict = bootVerdict({ ...facts, knownInactive: known, trial });
    if (w.stopping()) return;
    if (verdict.kind === "good") {
      markBootGood(w.machineDir, w.version);
      const inactive = facts.started.filter((u) => u.active !== "active").map((u) => u.name);
      saveKnownInactive(w.machineDir, inactive);
      w.log(`boot completed: ${slot} marked good`);
      w.completed();
      return;
    }
    if (trial && (verdict.kind === "bad" || Date.now() > deadline)) {
      const why =
        verdict.kind === "bad"
          ? verdict.reason
          : `not complete after ${TRIAL_BOOT_MS / 1000}s: ${verdict.reason}`;
      w.reboot(`${slot} did not boot good: ${why}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Whether an etcd member at one of urls answers /health with true. */
export async function memberHealth(urls: readonly string[]): Promise<BootFacts["etcd"]> {
  const answers = await Promise.all(urls.map((u) => health(u)));
  if (answers.some((a) => "value" in a)) return { healthy: true };
  const reasons = answers.map((a) => ("reason" in a ? a.reason : ""));
  return {
    healthy: false,
    reason: `etcd is not healthy (${reasons.join("; ") || "no client URL"})`,
  };
}
