/**
 * bench/memory: what one machine costs in memory, idle with fleet running.
 * A 5-machine cluster of the 2015 coreos-vagrant sample (etcdSize 5, so
 * every machine runs a member) is brought up, each machine's update-engine
 * checks once (as it does minutes after boot), and it is left to settle; then, for
 * each machine, every process in its tree is read from /proc: etcd's own
 * resident memory is the anchor, and shoal's share is everything else in
 * the machine (the agent with fleetd inside, the init, wrappers). RSS counts pages shared
 * with other processes (Node's own binary) in full; PSS divides them among
 * their users, so it is printed too. Goal: shoal's share at most 48 MB RSS.
 * The floor, measured in the same run and settled as long: one idle node
 * that has loaded the node modules the agent uses and set its V8 flags
 * (cli/agent-v8.ts), with none of shoal's own code.
 * PROVIDER=process|namespace|rootless (default auto), SETTLE_S (default 10).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { providerPidFile, readPid } from "../src/cluster/providers/common/pids.js";
import { median } from "./lib/compare.js";
import { comm, tree, type Usage, usage } from "./lib/process-memory.js";
import { benchCluster } from "./lib/shoal-cluster.js";

const MACHINES = 5;
const provider = process.env.PROVIDER ?? "auto";
const SETTLE_MS = Number(process.env.SETTLE_S ?? 10) * 1000;

const DIST = fileURLToPath(new URL("../dist/cli/", import.meta.url));
const agentV8 = readdirSync(DIST).find((f) => /^agent-v8-.*\.js$/.test(f));
if (!agentV8) throw new Error(`no agent-v8 chunk in ${DIST}: run npm run build`);

const c = benchCluster({ instances: MACHINES, etcdSize: MACHINES, provider });
const rows: Array<{ name: string; shoal: Usage; etcd: Usage; processes: string }> = [];
const floor = spawn(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `await import(${JSON.stringify(join(DIST, agentV8))}); setInterval(() => {}, 1 << 30);`,
  ],
  { stdio: "ignore", env: { PATH: process.env.PATH } },
);
let floorUsage: Usage = { rssMb: 0, pssMb: 0 };
try {
  await c.shoal(["up", "--timeout", "120s"]);
  // Idle as a user's cluster is minutes after `up`: fleet has registered, and each
  // update-engine has made its first check (what it loads for that, it keeps).
  for (let i = 1; i <= MACHINES; i++) {
    const name = `core-${String(i).padStart(2, "0")}`;
    await c.shoal(["ssh", name, "-c", "update_engine_client -check_for_update"]);
  }
  await sleep(SETTLE_MS);
  for (let i = 1; i <= MACHINES; i++) {
    const name = `core-${String(i).padStart(2, "0")}`;
    const outer = readPid(providerPidFile(join(c.dir, ".shoal", "machines", name)))?.pid;
    if (outer === undefined) throw new Error(`${name}: no provider.pid`);
    const shoal: Usage = { rssMb: 0, pssMb: 0 };
    const etcd: Usage = { rssMb: 0, pssMb: 0 };
    const seen: string[] = [];
    for (const pid of tree(outer)) {
      const name = comm(pid);
      const u = usage(pid);
      const into = name === "etcd" ? etcd : shoal;
      into.rssMb += u.rssMb;
      into.pssMb += u.pssMb;
      seen.push(`${name} ${u.rssMb.toFixed(1)}`);
    }
    rows.push({ name, shoal, etcd, processes: seen.join(", ") });
  }
  floorUsage = usage(floor.pid as number);
} finally {
  floor.kill("SIGKILL");
  await c.remove();
}

console.log(`# memory per machine, idle with fleet running (${provider} provider, MB)`);
for (const r of rows) {
  console.log(
    `${r.name}: shoal RSS ${r.shoal.rssMb.toFixed(1)} (PSS ${r.shoal.pssMb.toFixed(1)}), etcd RSS ${r.etcd.rssMb.toFixed(1)} (PSS ${r.etcd.pssMb.toFixed(1)}) [${r.processes}]`,
  );
}
const shoalRss = median(rows.map((r) => r.shoal.rssMb));
const shoalPss = median(rows.map((r) => r.shoal.pssMb));
const etcdRss = median(rows.map((r) => r.etcd.rssMb));
console.log(
  `shoal's processes per machine: median RSS ${shoalRss.toFixed(1)} MB (goal <= 48 MB), PSS ${shoalPss.toFixed(1)} MB`,
);
console.log(`etcd per machine: median RSS ${etcdRss.toFixed(1)} MB`);
console.log(
  `floor: one idle node with the agent's node modules and V8 flags: RSS ${floorUsage.rssMb.toFixed(1)} MB, PSS ${floorUsage.pssMb.toFixed(1)} MB`,
);
console.log(`ratio shoal/etcd (median RSS): ${(shoalRss / etcdRss).toFixed(2)}`);
