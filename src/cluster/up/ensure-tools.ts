import type { Step } from "./context.js";

/** Installs etcd when it is missing (doctor --fix), as vagrant fetched its box on first use. */
export const ensureTools: Step = {
  name: "ensure etcd",
  async run(ctx) {
    await ctx.options.ensureTools?.((line) => ctx.progress.say(line));
  },
};
