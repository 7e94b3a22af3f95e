import type { Progress } from "../progress.js";
import { hostState } from "../providers/index.js";
import { openCluster } from "./open.js";

/** How long a machine gets to stop its units before it is killed. */
export const HALT_GRACE_MS = 15_000;

/**
 * Halts machines in reverse order, as vagrant did: each agent stops its
 * units (reverse start order) and exits; what does not end in time is killed.
 */
export async function halt(
  dir: string,
  env: NodeJS.ProcessEnv,
  names: string[] | undefined,
  progress: Progress,
  graceMs = HALT_GRACE_MS,
): Promise<void> {
  const { provider, plan } = await openCluster(dir, env, names);
  // Reverse order as vagrant printed it; the machines halt at the same time.
  await Promise.all(
    [...plan.machines].reverse().map(async (m) => {
      const state = hostState(m);
      if (state === "not created") {
        progress.machine(m.name, "VM not created. Moving on...", "done");
        return;
      }
      if (state !== "running") {
        await provider.stop(plan, m, 0); // clears a stale pid file (aborted)
        progress.machine(m.name, "VM is already halted.", "done");
        return;
      }
      progress.machine(m.name, "Attempting graceful shutdown of VM...");
      const how = await provider.stop(plan, m, graceMs);
      if (how === "forced") progress.machine(m.name, "Forcing shutdown of VM...");
    }),
  );
  progress.done();
}
