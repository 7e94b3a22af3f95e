/**
 * Two figures on real 3-machine clusters, rounds alternating:
 *
 * 1. Seconds from `shoal halt` of the machine running a unit to that unit
 *    launched on another machine: fleet's default agent_ttl (30s) against
 *    a short one (2s). A halt stops fleetd with SIGTERM, which purges and
 *    revokes its lease, so the engine reacts to the machine key's deletion
 *    at once.
 * 2. Seconds from SIGKILL of that machine's agent (the machine dies without
 *    a word: its units and fleetd die with it) to the unit launched
 *    elsewhere, agent_ttl 6s against fleet's default 30s. The goal is
 *    agent_ttl + 2 s; agent_ttl itself is the floor, since only the expiry
 *    of the dead machine's lease tells the cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseUnitFile, serializeUnit, unitHash } from "../src/fleet/index.js";
import { compare } from "./lib/compare.js";
import { type BenchCluster, until, upCluster } from "./lib/fleet-cluster.js";

const UNIT = "[Service]\nExecStart=/bin/sleep 100000\n";

type Kill = (cluster: BenchCluster, machine: string) => Promise<void>;

const halt: Kill = async (cluster, machine) => {
  await cluster.shoal(["halt", machine]);
};

const sigkill: Kill = async (cluster, machine) => {
  const pid = Number(readFileSync(join(cluster.machineDir(machine), "agent.pid"), "utf8"));
  process.kill(pid, "SIGKILL");
};

async function measure(cluster: BenchCluster, round: { n: number }, kill: Kill): Promise<number> {
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
  await kill(cluster, from);
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
    ours: { name: "agent_ttl 2s", measure: () => measure(shortTtl, a, halt) },
    anchor: {
      name: "agent_ttl 30s (fleet default)",
      measure: () => measure(defaultTtl, b, halt),
    },
  });
  await shortTtl.close();
  clusters.splice(clusters.indexOf(shortTtl), 1);
  const sixTtl = await upCluster({
    subnet: "172.21.64.0/24",
    agentTtl: "6s",
    reconcileSeconds: 2,
  });
  clusters.push(sixTtl);
  const c = { n: 100 };
  await compare({
    title:
      "seconds from SIGKILL of a machine's agent to its unit launched on another machine (goal: agent_ttl + 2 s = 8 s)",
    unit: "s",
    better: "lower",
    rounds: 3,
    ours: { name: "agent_ttl 6s", measure: () => measure(sixTtl, c, sigkill) },
    anchor: {
      name: "agent_ttl 30s (fleet default)",
      measure: () => measure(defaultTtl, b, sigkill),
    },
  });
} finally {
  for (const c of clusters) await c.close();
}
