import { localUpdateServer } from "../update-server.js";
import type { Step } from "./context.js";

/**
 * shoal's local update server, started in the background when none runs
 * (as the discovery server): machines' SERVER= points at it, and its key
 * goes on their config drives once it answers.
 */
export const updateServer: Step = {
  name: "start the update server",
  async run(ctx) {
    ctx.updates = await localUpdateServer(
      ctx.provider.hostAddress(ctx.spec.subnet),
      ctx.options.env,
    );
  },
};
