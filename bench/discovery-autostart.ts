/**
 * bench/discovery-autostart: what the first `shoal up` on a host pays for
 * starting the local discovery server. Both sides are `shoal up` of 3
 * machines (process provider, the 2015 coreos-vagrant sample) until etcd is
 * healthy: ours with `discovery: auto` and no server running (a fresh state
 * directory each round, so `up` starts one), the anchor with the URL of a
 * server that already runs (started here). The difference of the medians is
 * the start's cost; goal: under 150 ms. The ratio is the last line.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDiscoveryServer } from "../src/discovery/index.js";
import { compare, timeMs } from "./lib/compare.js";
import { benchCluster } from "./lib/shoal-cluster.js";

const ROUNDS = Number(process.env.ROUNDS ?? 7);

const storeDir = mkdtempSync(join(tmpdir(), "shoal-bench-discovery-"));
const running = await startDiscoveryServer({
  listen: { host: "127.0.0.1", port: 0 },
  store: `sqlite:${join(storeDir, "running.db")}`,
  newRate: 0,
});

async function timedUp(discovery: string): Promise<number> {
  const c = benchCluster({ instances: 3, provider: "process", discovery });
  try {
    return await timeMs(async () => await c.shoal(["up", "--timeout", "60s"]));
  } finally {
    // destroy also stops the local server `up` started, as no cluster is left to use it.
    await c.remove();
  }
}

try {
  const { ours, anchor, ratio } = await compare({
    title: "shoal up when it must start the local discovery server vs when one runs",
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    warmup: 1,
    ours: { name: "up, no server yet", measure: () => timedUp("auto") },
    anchor: { name: "up, server running", measure: () => timedUp(running.url) },
  });
  console.log(
    `cost of starting the server (difference of medians): ${(ours.median - anchor.median).toFixed(1)} ms (goal < 150 ms)`,
  );
  // The ratio stays the last line.
  console.log(`ratio up, no server yet/up, server running (median): ${ratio.toFixed(2)}`);
} finally {
  await running.close();
  rmSync(storeDir, { recursive: true, force: true });
}
