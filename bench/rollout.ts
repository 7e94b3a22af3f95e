/**
 * bench/rollout: a rolling update, from `shoal updates check` until every
 * machine runs the new release and etcd is healthy, on 3 and 9 machines
 * (process provider, etcd's default raft timers as `shoal up` gives them),
 * against a hand-rolled rolling restart of the same cluster: `shoal reload`
 * of each machine in turn, each waiting for health. Goal: ratio <= 1.3.
 *
 * During both, a writer puts a key every 100 ms through each etcd member
 * in turn; each round prints the longest gap between acknowledged writes
 * (goal for the rollout: under 1 s, thanks to locksmithd's leader hand-off)
 * and how many writes failed (the member being rebooted refuses them).
 *
 *   flock /tmp/shoal-e2e.lock npx tsx bench/rollout.ts     (ROUNDS=5, SIZES=3,9)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { health } from "../src/etcd/index.js";
import { connectMachine } from "../src/machine/index.js";
import { lostWrites, startWriter } from "../test/e2e/cluster/rollout-watch.js";
import { waitFor } from "../test/e2e/harness/index.js";
import { compare, timeMs } from "./lib/compare.js";
import { benchCluster } from "./lib/shoal-cluster.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SIZES = (process.env.SIZES ?? "3,9").split(",").map(Number);

interface Machine {
  name: string;
  address: string;
  dir: string;
}

for (const n of SIZES) {
  const c = benchCluster({ instances: n, provider: "process" }, { shortRaft: false });
  try {
    await c.shoal(["up", "--timeout", "180s"]);
    const status = JSON.parse(await c.shoal(["status", "-o", "json"])) as Array<{
      name: string;
      address: string;
    }>;
    const machines: Machine[] = status.map((m) => ({
      ...m,
      dir: join(c.dir, ".shoal", "machines", m.name),
    }));
    // The first etcdSize machines (at most 5) are members; the rest run proxies.
    const members = machines.slice(0, Math.min(n, 5)).map((m) => `http://${m.address}:2379`);
    const version = (m: Machine) =>
      /^VERSION_ID=(.*)$/m.exec(readFileSync(join(m.dir, "root/etc/os-release"), "utf8"))?.[1];

    const healthy = async () => {
      const agents = await Promise.all(
        machines.map(async (m) => {
          try {
            return (await (await connectMachine(m.dir)).status()).boot === "running";
          } catch {
            return false;
          }
        }),
      );
      if (!agents.every(Boolean)) return false;
      return (await Promise.all(members.map(health))).every((a) => "value" in a);
    };
    const settled = (what: string, check: () => Promise<boolean>) =>
      waitFor(check, { what, timeoutMs: 60_000 * n, intervalMs: 50 });

    /** Runs one side with the writer on; logs its writes, returns its time. */
    let rounds = 0;
    const withWriter = async (side: string, fn: () => Promise<void>) => {
      const prefix = `/bench/rollout/${side}/${++rounds}`;
      const writer = startWriter(members, prefix);
      const ms = await timeMs(fn);
      const { acked, failed, longestGapMs } = await writer.stop();
      const lost = await lostWrites(members, prefix, acked);
      console.log(
        `  ${side} writes: longest gap ${longestGapMs.toFixed(0)} ms, ${failed} failed, ${acked.size} acknowledged, ${lost.length} lost`,
      );
      return ms;
    };

    let minor = 0;
    await compare({
      title: `${n} machines: updates check until all run the new release with etcd healthy, vs a rolling shoal reload`,
      unit: "ms",
      better: "lower",
      rounds: ROUNDS,
      ours: {
        name: "rollout",
        async measure() {
          const v = `1.${++minor}.0`;
          const tree = join(c.dir, `payload-${v}`);
          mkdirSync(join(tree, "bin"), { recursive: true });
          writeFileSync(join(tree, "bin/rollout-release"), `#!/bin/sh\necho ${v}\n`, {
            mode: 0o755,
          });
          await c.shoal(["updates", "publish", "--channel", "stable", "--version", v, tree]);
          return withWriter("rollout", async () => {
            await c.shoal(["updates", "check"]);
            await settled(`every machine on ${v}`, async () =>
              machines.every((m) => version(m) === v) ? healthy() : false,
            );
          });
        },
      },
      anchor: {
        name: "rolling reload",
        measure: () =>
          withWriter("reload", async () => {
            for (const m of machines) await c.shoal(["reload", m.name, "--timeout", "120s"]);
            await settled("the cluster healthy", healthy);
          }),
      },
    });
  } finally {
    await c.remove();
  }
}
