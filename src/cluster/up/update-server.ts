import { localUpdateServer, writeUpdateKey } from "../update-server.js";
import type { Step } from "./context.js";

/**
 * shoal's local update server (as the discovery server): machines' SERVER=
 * points at it and its key goes on their config drives; a server that is
 * not running yet is started by `updateServerStart`, after the boot.
 */
export const updateServer: Step = {
  name: "prepare the update server",
  async run(ctx) {
    ctx.updates = await localUpdateServer(
      ctx.provider.hostAddress(ctx.spec.subnet),
      ctx.options.env,
    );
    for (const m of ctx.plan.machines) writeUpdateKey(m.dir, ctx.updates.publicKey);
  },
};

/** Starts the update server `updateServer` bound, when none ran. */
export const updateServerStart: Step = {
  name: "start the update server",
  async run(ctx) {
    ctx.updates?.start();
  },
};
