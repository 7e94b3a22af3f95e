import { type LocalUpdates, localUpdateServer, writeUpdateKey } from "../update-server.js";
import type { Step, UpContext } from "./context.js";

/**
 * shoal's local update server (as the discovery server): machines' SERVER=
 * points at it; a server that is not running yet is started by
 * `updateServerStart` once the machines are.
 */
export const updateServer: Step = {
  name: "prepare the update server",
  async run(ctx) {
    ctx.updates = await localUpdateServer(
      ctx.provider.hostAddress(ctx.spec.subnet),
      ctx.options.env,
    );
  },
};

/**
 * While the machines boot: the store's release key read (or made) and put
 * on every machine's config drive (the engine reads it at each check, the
 * first minutes after boot), so that `up` has nothing of it left to do after.
 */
export const updateKeyInstall: Step = {
  name: "install the update server's key",
  async run(ctx) {
    if (!ctx.updates) return;
    ctx.updateKeyInstalled = installKey(ctx.updates, ctx);
    // Awaited by updateServerStart; until then a failure must not count as unhandled.
    ctx.updateKeyInstalled.catch(() => {});
  },
};

async function installKey(updates: LocalUpdates, ctx: UpContext): Promise<void> {
  const publicKey = await updates.publicKey();
  for (const m of ctx.plan.machines) writeUpdateKey(m.dir, publicKey);
}

/**
 * After the boot: the release key installed (begun by `updateKeyInstall`,
 * else now), and the update server started. `up` does not wait for a
 * server whose store it could read itself: its start would only delay
 * `up`'s end. When the store cannot be read, it waits, so that the warning
 * can say why the server did not start either. A key that cannot be read
 * or a server that does not start is a warning, not a failed `up`: the
 * machines run without it, only their update checks fail, and the next
 * `up` tries again.
 */
export const updateServerStart: Step = {
  name: "start the update server",
  async run(ctx) {
    if (!ctx.updates) return;
    const problems: string[] = [];
    try {
      await (ctx.updateKeyInstalled ?? installKey(ctx.updates, ctx));
    } catch (err) {
      problems.push(`cannot read the update server's release key: ${(err as Error).message}`);
    }
    try {
      await ctx.updates.start({ wait: problems.length > 0 });
    } catch (err) {
      problems.push((err as Error).message);
    }
    for (const p of problems) ctx.progress.say(`warning: ${p}`);
    if (problems.length > 0)
      ctx.progress.say(
        "warning: the machines run, but cannot update until the update server runs; `shoal up` tries again",
      );
  },
};
