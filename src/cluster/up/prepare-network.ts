import type { Step } from "./context.js";

/** Creates what the machines share on the host (the namespace provider's bridge). */
export const prepareNetwork: Step = {
  name: "prepare the network",
  async run(ctx) {
    await ctx.provider.prepare(ctx.plan);
    ctx.cleanup.push({ what: "the network", undo: () => ctx.provider.cleanup(ctx.plan) });
  },
};
