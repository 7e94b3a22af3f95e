/**
 * Wall time for 3 real etcd 3.4 members to be healthy, bootstrapping through
 * shoal's discovery server vs. through etcd 3.4's own v2 keys API as the
 * discovery backend. Same binaries, same short raft timers, alternating
 * rounds; time runs from asking for a token to the last member's /health.
 *
 *   npm run build && npx tsx bench/discovery-bootstrap.ts
 */
import { EtcdGroup } from "../test/e2e/harness/index.js";
import { compare, timeMs } from "./lib/compare.js";
import { type Backend, etcdV2Backend, shoalBackend } from "./lib/discovery.js";

const ROUNDS = Number(process.env.ROUNDS ?? 10);
let subnet = 0;

async function bootstrap(backend: Backend): Promise<number> {
  // A fresh address block per sample, so no member reuses a port still in TIME_WAIT.
  const net = 110 + (subnet++ % 80);
  const group = new EtcdGroup();
  try {
    return await timeMs(async () => {
      const token = await backend.newToken(3);
      const members = [0, 1, 2].map((i) =>
        group.start({ name: `b${i}`, host: `127.20.${net}.${i + 1}`, discovery: token }),
      );
      await Promise.all(members.map((m) => m.waitHealthy(60_000)));
    });
  } finally {
    await group.cleanup();
  }
}

const backends: Backend[] = [];
try {
  const shoal = await shoalBackend();
  backends.push(shoal);
  const etcd = await etcdV2Backend("127.20.201.1");
  backends.push(etcd);
  await compare({
    title: "time until 3 etcd members are healthy via discovery",
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    warmup: 1,
    ours: { name: "shoal", measure: () => bootstrap(shoal) },
    anchor: { name: "etcd v2", measure: () => bootstrap(etcd) },
  });
} finally {
  for (const backend of backends) await backend.close();
}
