/**
 * Seconds from `shoal halt` of the machine running a unit to that unit
 * launched on another machine: fleet's default agent_ttl (30s) against a
 * short one (2s), each on its own real 3-machine cluster, alternating.
 *
 * A halt stops fleetd with SIGTERM, which purges and revokes its lease, so
 * the engine reacts to the machine key's deletion at once; agent_ttl only
 * bounds the case of a machine that dies without a word.
 */
import { parseUnitFile, serializeUnit, unitHash } from "../src/fleet/index.js";
import { compare } from "./lib/compare.js";
import { type BenchCluster, until, upCluster } from "./lib/fleet-cluster.js";

const UNIT = "[Service]\nExecStart=/bin/sleep 100000\n";

async function measure(cluster: BenchCluster, round: { n: number }): Promise<number> {
  round.n += 1;
  const name = `failover-${round.n}.service`;
  const options = parseUnitFile(UNIT).options;
  await cluster.registry.createJob(name, serializeUnit(options), unitHash(options), "launched");
  const from = await until(
    async () => (await cluster.launched()).get(name),
    30_000,
    `${name} launched`,
  );
  const start = performance.now();
  await cluster.shoal(["halt", from]);
  await until(
    async () => {
      const m = (await cluster.launched()).get(name);
      return m !== undefined && m !== from ? m : undefined;
    },
    120_000,
    `${name} launched elsewhere`,
  );
  const seconds = (performance.now() - start) / 1000;
  // Bring the machine back and clear the unit for the next round.
  await cluster.shoal(["up", from]);
  await cluster.registry.destroyJob(name);
  await until(
    async () => ((await cluster.registry.machines()).length === 3 ? true : undefined),
    60_000,
    "3 machines",
  );
  return seconds;
}

const clusters: BenchCluster[] = [];
try {
  const defaultTtl = await upCluster({
    subnet: "172.21.62.0/24",
    agentTtl: "30s",
    reconcileSeconds: 2,
  });
  clusters.push(defaultTtl);
  const shortTtl = await upCluster({
    subnet: "172.21.63.0/24",
    agentTtl: "2s",
    reconcileSeconds: 0.5,
  });
  clusters.push(shortTtl);
  const a = { n: 0 };
  const b = { n: 0 };
  await compare({
    title: "seconds from shoal halt to the unit launched on another machine",
    unit: "s",
    better: "lower",
    rounds: 3,
    ours: { name: "agent_ttl 2s", measure: () => measure(shortTtl, a) },
    anchor: { name: "agent_ttl 30s (fleet default)", measure: () => measure(defaultTtl, b) },
  });
} finally {
  for (const c of clusters) await c.close();
}
