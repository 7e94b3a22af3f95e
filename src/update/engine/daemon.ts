/**
 * update_engine as a running service: the engine, its check schedule and
 * its control socket together, and one close() that stops all three.
 */

import { type Clock, systemClock } from "../../host/index.js";
import { StatusFeed, serveControl } from "./control.js";
import { type EngineDeps, UpdateEngine } from "./engine.js";
import { CheckScheduler } from "./scheduler.js";

export interface EngineDaemon {
  engine: UpdateEngine;
  scheduler: CheckScheduler;
  /** Clients following status changes (`-watch_for_updates`). */
  watchers(): number;
  close(): Promise<void>;
}

export async function startEngineDaemon(opts: {
  deps: Omit<EngineDeps, "onStatus">;
  socketPath: string;
  clock?: Clock;
  random?: () => number;
}): Promise<EngineDaemon> {
  const feed = new StatusFeed();
  const engine = new UpdateEngine({ ...opts.deps, onStatus: feed.publish });
  const scheduler = new CheckScheduler(
    engine,
    opts.clock ?? systemClock,
    opts.random,
    opts.deps.log,
  );
  const control = await serveControl(opts.socketPath, engine, scheduler, feed);
  scheduler.start();
  const stopped = new AbortController();
  void engine.reportBoot(stopped.signal);
  return {
    engine,
    scheduler,
    watchers: () => feed.listenerCount("status"),
    async close() {
      stopped.abort();
      scheduler.stop();
      feed.removeAllListeners();
      await control.close();
    },
  };
}
