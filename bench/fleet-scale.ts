/**
 * Time to have 500 units launched across 3 machines through fleet (the
 * registry writes `fleetctl start` makes, then the engine and 3 agents),
 * against the same 500 units installed and started directly through the
 * machines' own agents (no fleet): the figure is fleet's overhead over the
 * machine layer. Also prints each agent's memory (fleetd runs inside it) with 500 units loaded.
 * Upstream advised against more than 1000 units or 100 machines.
 */
import { readFileSync } from "node:fs";
import { parseUnitFile, serializeUnit, unitHash } from "../src/fleet/index.js";
import { connectMachine } from "../src/machine/index.js";
import { compare } from "./lib/compare.js";
import { type BenchCluster, until, upCluster } from "./lib/fleet-cluster.js";

const COUNT = Number(process.env.FLEET_SCALE_UNITS ?? 500);
const UNIT = "[Service]\nExecStart=/bin/sleep 100000\n";
const names = Array.from(
  { length: COUNT },
  (_, i) => `scale-${String(i).padStart(4, "0")}.service`,
);

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function agentMemory(cluster: BenchCluster): Promise<string> {
  const parts: string[] = [];
  for (const name of cluster.names) {
    const client = await connectMachine(cluster.machineDir(name));
    const pid = (await client.status()).units.find((u) => u.name === "fleet.service")?.mainPid;
    client.close();
    parts.push(`${name} ${pid ? rssMiB(pid).toFixed(1) : "?"} MiB`);
  }
  return parts.join(", ");
}

async function viaFleet(cluster: BenchCluster): Promise<number> {
  const options = parseUnitFile(UNIT).options;
  const text = serializeUnit(options);
  const hash = unitHash(options);
  const start = performance.now();
  await Promise.all(names.map((n) => cluster.registry.createJob(n, text, hash, "launched")));
  await until(
    async () => ((await cluster.launched()).size >= COUNT ? true : undefined),
    600_000,
    `${COUNT} units launched`,
    200,
  );
  const seconds = (performance.now() - start) / 1000;
  console.log(`  agent (with fleetd) memory with ${COUNT} units: ${await agentMemory(cluster)}`);
  await Promise.all(names.map((n) => cluster.registry.destroyJob(n)));
  await until(
    async () => ((await cluster.registry.snapshot()).states.length === 0 ? true : undefined),
    600_000,
    "units unloaded",
    200,
  );
  return seconds;
}

async function direct(cluster: BenchCluster): Promise<number> {
  const clients = await Promise.all(
    cluster.names.map((n) => connectMachine(cluster.machineDir(n))),
  );
  const share = (i: number) => names.filter((_, k) => k % clients.length === i);
  const start = performance.now();
  await Promise.all(
    clients.map(async (c, i) => {
      for (const n of share(i)) {
        await c.install(n, UNIT, { runtime: true });
        await c.start(n);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(
    clients.map(async (c, i) => {
      for (const n of share(i)) {
        await c.stop(n);
        await c.remove(n);
      }
    }),
  );
  for (const c of clients) c.close();
  return seconds;
}

const cluster = await upCluster({ subnet: "172.21.64.0/24", agentTtl: "30s", reconcileSeconds: 2 });
try {
  console.log(`agent (with fleetd) memory, idle: ${await agentMemory(cluster)}`);
  await compare({
    title: `seconds to ${COUNT} units launched across 3 machines`,
    unit: "s",
    better: "lower",
    rounds: 2,
    ours: { name: "fleet", measure: () => viaFleet(cluster) },
    anchor: { name: "machine agents directly", measure: () => direct(cluster) },
  });
} finally {
  await cluster.close();
}
