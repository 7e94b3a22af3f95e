/**
 * bench/scale: `shoal up` of many machines (etcdSize 5: 5 members, the rest
 * grpc proxies) of the coreos-vagrant sample until etcd is healthy and every
 * machine booted; how time and memory grow with the cluster's size. The
 * anchor is the same up at 5 machines, so the ratio is the growth.
 * Goals: 25 machines healthy in under 15 s on this 2-core host, 100 in
 * under 30 s using under 6 GB in all; an agent under 64 MB.
 *
 * Every up is measured twice over: its wall time, and SETTLE_S seconds
 * later (default 5: fleetd has started and registered) what every process
 * of every machine holds, by kind (etcd member, grpc-proxy, agent, fleetd,
 * init and wrappers): RSS and PSS summed over the cluster and per process,
 * and the CPU time each kind used since it started (the host's 2 cores are
 * what a big up waits for),
 * with what the first member's /metrics says of its load (watchers, watch
 * streams, keys, open fds, heap), which is what grows with the cluster.
 *
 * SIZES (default 5,10,15,20,25): the growth table's sizes, one up each;
 * TOP (default: the largest size): the size timed ROUNDS times (default 3)
 * against 5 machines. The 100-machine run wants ~10 GB and the whole host
 * for minutes: SIZES=5,25,50,100 ROUNDS=1. PROVIDER=process|namespace
 * (default auto).
 *
 * etcd keeps its default raft timers here, as `shoal up` gives them to its
 * users: with many machines booting on 2 cores, bench/up's 10 ms heartbeats
 * make the five members the host's biggest CPU user and their leader
 * churn. RAFT=short measures with those timers instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { agentPid, peakMemoryMb } from "../test/e2e/harness/index.js";
import { compare, timeMs } from "./lib/compare.js";
import { KINDS, type Kind, machineProcesses, type Usage } from "./lib/process-memory.js";
import { benchCluster } from "./lib/shoal-cluster.js";

const SIZES = (process.env.SIZES ?? "5,10,15,20,25").split(",").map(Number);
const TOP = Number(process.env.TOP ?? Math.max(...SIZES));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SETTLE_MS = Number(process.env.SETTLE_S ?? 5) * 1000;
const provider = process.env.PROVIDER ?? "auto";
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(TOP) || TOP < 5) {
  throw new Error("SIZES is a comma-separated list of machine counts; TOP at least 5");
}

/** What one up of n machines cost. */
interface Sample {
  n: number;
  ms: number;
  kinds: Map<Kind, { count: number; cpuS: number } & Usage>;
  member: Map<string, number>;
  /** The largest agent's peak memory (VmHWM), MB. */
  agentPeakMb: number;
  /** What the host's memory in use grew by over the up (other work on the host included), MB. */
  host: ReturnType<typeof hostMemory>;
}

/** The member gauges that say what an etcd member serves. */
const METRICS = [
  "etcd_debugging_mvcc_watcher_total",
  "etcd_debugging_mvcc_watch_stream_total",
  "etcd_debugging_mvcc_keys_total",
  "etcd_server_proposals_committed_total",
  "process_open_fds",
  "go_memstats_heap_inuse_bytes",
] as const;

async function memberMetrics(clusterDir: string): Promise<Map<string, number>> {
  const state = JSON.parse(readFileSync(join(clusterDir, ".shoal", "cluster.json"), "utf8")) as {
    machines: Array<{ address: string }>;
  };
  const out = new Map<string, number>();
  const address = state.machines[0]?.address;
  try {
    const text = await (
      await fetch(`http://${address}:2379/metrics`, { signal: AbortSignal.timeout(5_000) })
    ).text();
    for (const name of METRICS) {
      const value = new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1];
      if (value !== undefined) out.set(name, Number(value));
    }
  } catch {
    // A member that does not answer /metrics: the row says nothing about it.
  }
  return out;
}

/** The host's memory in use (MemTotal - MemAvailable, as `free` counts it) and its page tables and slab, MB. */
function hostMemory(): { usedMb: number; pageTablesMb: number; slabMb: number } {
  const text = readFileSync("/proc/meminfo", "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
  return {
    usedMb: (kb("MemTotal") - kb("MemAvailable")) / 1024,
    pageTablesMb: kb("PageTables") / 1024,
    slabMb: kb("Slab") / 1024,
  };
}

/** One `shoal up` of n machines, timed, then its memory once settled. */
async function upOnce(n: number): Promise<Sample> {
  const c = benchCluster(
    { instances: n, etcdSize: Math.min(n, 5), provider },
    { shortRaft: process.env.RAFT === "short" },
  );
  const before = hostMemory();
  try {
    const ms = await timeMs(async () => await c.shoal(["up", "--timeout", "300s"]));
    await sleep(SETTLE_MS);
    const after = hostMemory();
    const host = {
      usedMb: after.usedMb - before.usedMb,
      pageTablesMb: after.pageTablesMb - before.pageTablesMb,
      slabMb: after.slabMb - before.slabMb,
    };
    let agentPeakMb = 0;
    const kinds = new Map<Kind, { count: number; cpuS: number } & Usage>(
      KINDS.map((k) => [k, { count: 0, cpuS: 0, rssMb: 0, pssMb: 0 }]),
    );
    for (let i = 1; i <= n; i++) {
      const dir = join(c.dir, ".shoal", "machines", `core-${String(i).padStart(2, "0")}`);
      agentPeakMb = Math.max(agentPeakMb, peakMemoryMb(agentPid(dir)));
      for (const p of machineProcesses(dir)) {
        const k = kinds.get(p.kind) as { count: number; cpuS: number } & Usage;
        k.count++;
        k.rssMb += p.rssMb;
        k.pssMb += p.pssMb;
        k.cpuS += p.cpuS;
      }
    }
    return { n, ms, kinds, member: await memberMetrics(c.dir), agentPeakMb, host };
  } finally {
    await c.remove();
  }
}

function describe(s: Sample): string[] {
  const total = [...s.kinds.values()].reduce(
    (a, k) => ({ rssMb: a.rssMb + k.rssMb, pssMb: a.pssMb + k.pssMb }),
    { rssMb: 0, pssMb: 0 },
  );
  const lines = [
    `${s.n} machines: healthy in ${(s.ms / 1000).toFixed(2)} s; whole cluster RSS ${(total.rssMb / 1024).toFixed(2)} GB, PSS ${(total.pssMb / 1024).toFixed(2)} GB; per machine RSS ${(total.rssMb / s.n).toFixed(1)} MB, PSS ${(total.pssMb / s.n).toFixed(1)} MB; largest agent peak ${s.agentPeakMb.toFixed(1)} MB`,
  ];
  lines.push(
    `  host memory in use grew ${(s.host.usedMb / 1024).toFixed(2)} GB (${(s.host.usedMb / s.n).toFixed(1)} MB a machine), of which kernel page tables ${s.host.pageTablesMb.toFixed(0)} MB and slab ${s.host.slabMb.toFixed(0)} MB`,
  );
  for (const [kind, k] of s.kinds) {
    if (k.count === 0) continue;
    lines.push(
      `  ${kind}: ${k.count} processes, RSS ${k.rssMb.toFixed(0)} MB (${(k.rssMb / k.count).toFixed(1)} each), PSS ${k.pssMb.toFixed(0)} MB (${(k.pssMb / k.count).toFixed(1)} each), CPU ${k.cpuS.toFixed(1)} s (${((k.cpuS / k.count) * 1000).toFixed(0)} ms each)`,
    );
  }
  const m = s.member;
  if (m.size > 0) {
    lines.push(
      `  first member: ${m.get("etcd_debugging_mvcc_watch_stream_total")} watch streams, ${m.get("etcd_debugging_mvcc_watcher_total")} watchers, ${m.get("etcd_debugging_mvcc_keys_total")} keys, ${m.get("etcd_server_proposals_committed_total")} proposals committed, ${m.get("process_open_fds")} open fds, Go heap in use ${((m.get("go_memstats_heap_inuse_bytes") ?? 0) / 2 ** 20).toFixed(1)} MB`,
    );
  }
  return lines;
}

const samples: Sample[] = [];
for (const n of SIZES.filter((n) => n !== TOP && n !== 5)) samples.push(await upOnce(n));
// The timed comparison's own ups fill in the table's rows for TOP and 5 machines.
const compared: string[] = [];
const sized = (n: number) => async () => {
  const s = await upOnce(n);
  if (!samples.some((o) => o.n === n)) samples.push(s);
  return s.ms;
};
await compare(
  {
    title: `time until ${TOP} machines are up and etcd (5 members) is healthy, vs 5 machines`,
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    ours: { name: `${TOP} machines`, measure: sized(TOP) },
    anchor: { name: "5 machines", measure: sized(5) },
  },
  (line) => compared.push(line),
);
console.log(
  `# growth, one up per size (${provider} provider; memory ${SETTLE_MS / 1000} s after up returned)`,
);
for (const s of samples.sort((a, b) => a.n - b.n))
  for (const line of describe(s)) console.log(line);
for (const line of compared) console.log(line);
