import { freshToken } from "../discovery.js";
import type { Step } from "./context.js";

/**
 * A fresh token (size etcdSize) for a new cluster; the same one when the
 * cluster already exists (up after halt), so its members find each other again.
 */
export const discoveryToken: Step = {
  name: "get a discovery token",
  async run(ctx) {
    if (ctx.previous?.discoveryUrl) {
      ctx.discoveryUrl = ctx.previous.discoveryUrl;
      return;
    }
    const token = await freshToken(
      ctx.spec.discovery,
      ctx.spec.etcdSize,
      ctx.provider.hostAddress(ctx.spec.subnet),
      ctx.options.env,
    );
    ctx.discoveryUrl = token.url;
    ctx.discoveryServed = token.served;
    ctx.progress.say(`Discovery token: ${ctx.discoveryUrl}`);
  },
};
