import { runningPid } from "../providers/agent.js";
import type { Step } from "./context.js";

/** Boots every machine that is not running yet; each one started is stopped again if up fails. */
export const startMachines: Step = {
  name: "start machines",
  async run(ctx) {
    const { provider, plan } = ctx;
    for (const m of plan.machines) {
      if (ctx.options.signal.aborted) return;
      if (runningPid(m) !== undefined) {
        ctx.progress.machine(m.name, "already running");
        continue;
      }
      ctx.progress.machine(m.name, `booting (${provider.name} provider, ${m.address})`);
      ctx.cleanup.push({
        what: m.name,
        undo: async () => {
          await provider.stop(plan, m, 2_000);
          await provider.destroy(plan, m);
        },
      });
      await provider.start(plan, m, ctx.options.env);
    }
  },
};
