/**
 * Many concurrent simulated size-3 bootstraps (new token, registrations,
 * the reads and watches etcd 3.4 sends) against shoal's server (SQLite) and
 * against etcd 3.4's own v2 keys API. Figures: bootstraps/s, and the p99
 * latency of the non-watch requests.
 *
 *   npm run build && npx tsx bench/discovery-load.ts
 */
import { compare } from "./lib/compare.js";
import {
  type Backend,
  etcdV2Backend,
  percentile,
  shoalBackend,
  simulateBootstrap,
} from "./lib/discovery.js";

const BOOTSTRAPS = Number(process.env.BOOTSTRAPS ?? 300);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 30);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

interface Run {
  perSecond: number;
  p99: number;
}

async function load(backend: Backend): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next++ < BOOTSTRAPS) await simulateBootstrap(backend, 3, (ms) => latencies.push(ms));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: BOOTSTRAPS / seconds, p99: percentile(latencies, 99) };
}

const backends: Backend[] = [];
try {
  const shoal = await shoalBackend();
  backends.push(shoal);
  const etcd = await etcdV2Backend("127.20.200.1");
  backends.push(etcd);
  console.log(`${BOOTSTRAPS} size-3 bootstraps per round, ${CONCURRENCY} at a time`);
  const p99s = new Map<Backend, number[]>([
    [shoal, []],
    [etcd, []],
  ]);
  const side = (backend: Backend) => ({
    name: backend.name,
    measure: async () => {
      const run = await load(backend);
      p99s.get(backend)?.push(run.p99);
      return run.perSecond;
    },
  });
  const throughput = await compare({
    title: "simulated size-3 bootstraps per second",
    unit: "bootstraps/s",
    better: "higher",
    rounds: ROUNDS,
    warmup: 1,
    ours: side(shoal),
    anchor: side(etcd),
  });
  // p99 from the same rounds, as its own figure (lower is better); compare() replays the samples.
  const replay = (backend: Backend) => {
    const samples = [...(p99s.get(backend) ?? [])].slice(-ROUNDS);
    return { name: backend.name, measure: async () => samples.shift() as number };
  };
  const tail = await compare(
    {
      title: "p99 latency of non-watch requests",
      unit: "ms",
      better: "lower",
      rounds: ROUNDS,
      ours: replay(shoal),
      anchor: replay(etcd),
    },
    (line) => (line.startsWith("round") ? undefined : console.log(line)),
  );
  console.log(
    `summary: throughput ratio ${throughput.ratio.toFixed(2)} (goal >= 1), p99 ratio ${tail.ratio.toFixed(2)} (goal <= 1)`,
  );
} finally {
  for (const backend of backends) await backend.close();
}
