import { existsSync } from "node:fs";
import { join } from "node:path";
import { machinePaths } from "../../machine/index.js";
import { runningPid } from "../providers/index.js";
import { bornWith } from "../update-server.js";
import type { Step } from "./context.js";

/**
 * Boots every machine that is not running yet, all at once (vagrant's
 * one-after-another was its slowest part); each one started is stopped
 * again if up fails.
 */
export const startMachines: Step = {
  name: "start machines",
  async run(ctx) {
    const { provider, plan } = ctx;
    const starting = plan.machines.filter((m) => {
      if (runningPid(m) === undefined) return true;
      ctx.progress.machine(m.name, "already running", "done");
      return false;
    });
    for (const m of starting) {
      ctx.progress.machine(m.name, `booting (${provider.name} provider, ${m.address})`);
      ctx.cleanup.push({
        what: m.name,
        undo: async () => {
          await provider.stop(plan, m, 2_000);
          await provider.destroy(plan, m);
        },
      });
    }
    // A machine booting for the first time gets its channel's published release in USR-A.
    const newborn = starting.filter(
      (m) => !existsSync(join(machinePaths(m.dir).slots, "slots.json")),
    );
    const release =
      newborn.length > 0 && ctx.updates
        ? // A store that cannot be read leaves them the base release; the engine updates them later.
          (await ctx.updates.releases().catch(() => undefined))?.get(ctx.spec.updateChannel)
        : undefined;
    if (release) await Promise.all(newborn.map((m) => bornWith(m.dir, release)));
    // Wait for every start to settle, so a failure never leaves one half-made.
    const results = await Promise.allSettled(
      starting.map((m) => provider.start(plan, m, ctx.options.env)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  },
};
