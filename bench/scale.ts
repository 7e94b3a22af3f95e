/**
 * bench/scale: `shoal up` of 25 machines (etcdSize 5: 5 members, 20 grpc
 * proxies) until etcd is healthy and every machine booted, and the peak
 * memory (VmHWM) of one machine's agent, with how both grow from 5 to 25
 * machines. The anchor is the same up at 5 machines, so the ratio is the
 * growth. Goals: 25 machines healthy in under 15 s on this 2-core host,
 * an agent under 64 MB. PROVIDER=process|namespace (default: auto).
 *
 * etcd keeps its default raft timers here, as `shoal up` gives them to its
 * users: with 25 machines booting on 2 cores, bench/up's 10 ms heartbeats
 * make the five members the host's biggest CPU user and their leader
 * churn. RAFT=short measures with those timers instead.
 */
import { join } from "node:path";
import { agentPid, peakMemoryMb } from "../test/e2e/harness/index.js";
import { compare, summarize, timeMs } from "./lib/compare.js";
import { benchCluster } from "./lib/shoal-cluster.js";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const provider = process.env.PROVIDER ?? "auto";

/** One `shoal up` of n machines: seconds to healthy, and the largest agent peak memory. */
async function upOnce(n: number): Promise<{ ms: number; agentMb: number }> {
  const c = benchCluster(
    { instances: n, etcdSize: Math.min(n, 5), provider },
    { shortRaft: process.env.RAFT === "short" },
  );
  try {
    const ms = await timeMs(async () => await c.shoal(["up", "--timeout", "120s"]));
    const names = Array.from({ length: n }, (_, i) => `core-${String(i + 1).padStart(2, "0")}`);
    const agentMb = Math.max(
      ...names.map((name) => peakMemoryMb(agentPid(join(c.dir, ".shoal", "machines", name)))),
    );
    return { ms, agentMb };
  } finally {
    await c.remove();
  }
}

console.log(`# growth, one round per size (${provider} provider)`);
for (const n of [5, 10, 15, 20, 25]) {
  const { ms, agentMb } = await upOnce(n);
  console.log(
    `${n} machines: healthy in ${(ms / 1000).toFixed(2)} s, largest agent peak ${agentMb.toFixed(1)} MB`,
  );
}

const memory = new Map<number, number[]>([
  [25, []],
  [5, []],
]);
const sized = (n: number) => async () => {
  const { ms, agentMb } = await upOnce(n);
  memory.get(n)?.push(agentMb);
  return ms;
};
await compare({
  title: "time until 25 machines are up and etcd (5 members) is healthy, vs 5 machines",
  unit: "ms",
  better: "lower",
  rounds: ROUNDS,
  ours: { name: "25 machines", measure: sized(25) },
  anchor: { name: "5 machines", measure: sized(5) },
});
const big = summarize(memory.get(25) ?? [], "lower");
const small = summarize(memory.get(5) ?? [], "lower");
console.log(`# peak memory of one machine's agent (MB, lower is better, ${ROUNDS} rounds)`);
console.log(`25 machines: median ${big.median.toFixed(1)}, best ${big.best.toFixed(1)}`);
console.log(`5 machines: median ${small.median.toFixed(1)}, best ${small.best.toFixed(1)}`);
console.log(`ratio 25 machines/5 machines (median): ${(big.median / small.median).toFixed(2)}`);
