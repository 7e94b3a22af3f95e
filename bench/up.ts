/**
 * bench/up: `shoal up` of 3 machines (the 2015 coreos-vagrant sample) until
 * etcd is healthy, per provider, against the floor of its design: a Node
 * CLI that starts one Node process per machine, each starting etcd, with
 * none of shoal's code (bench/lib/node-floor). No Node CLI with a Node
 * agent per machine can do better than that on this host. Goal: ratio
 * <= 1.3. First, that floor against the raw bootstrap of 3 etcd members
 * through etcd's own v2 discovery, for scale. Every side uses the same
 * discovery server (started here, so none pays for its start) and the same
 * short raft timers; the clock runs until every member's HTTP /health says
 * true. Each side's CPU time (the whole host's, idle otherwise) is printed
 * too: on 2 cores, a side that needs more CPU than the wall time it has
 * cannot be faster. PROVIDER=process|namespace|rootless measures one
 * provider (default: all three where root, else process and rootless).
 * The rootless provider is for users without root: where the bench runs as
 * root, its `shoal` runs as an unprivileged account.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newToken, startDiscoveryServer } from "../src/discovery/index.js";
import { unprivilegedAccount } from "../test/e2e/cluster/harness.js";
import { EtcdGroup, freePort, waitFor } from "../test/e2e/harness/index.js";
import { compare, median, timeMs } from "./lib/compare.js";
import { hostBusyMs } from "./lib/host-cpu.js";
import { benchCluster, canUseNamespaces, RAFT } from "./lib/shoal-cluster.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const FLOOR_CLI = fileURLToPath(new URL("./lib/node-floor/cli.mjs", import.meta.url));
const PROVIDERS = ["process", "namespace", "rootless"] as const;
const providers = PROVIDERS.filter((p) =>
  process.env.PROVIDER ? p === process.env.PROVIDER : p !== "namespace" || canUseNamespaces(),
);
// As root, the rootless provider's clusters belong to (and run as) an unprivileged account.
const rootlessUser = canUseNamespaces() ? unprivilegedAccount() : undefined;

const storeDir = mkdtempSync(join(tmpdir(), "shoal-bench-discovery-"));
const local = await startDiscoveryServer({
  listen: { host: "127.0.0.1", port: 0 },
  store: `sqlite:${join(storeDir, "local.db")}`,
  newRate: 0,
});
// Namespace machines reach the host at the bridge address, which exists only while a
// cluster does: this one listens on every address and hands out token URLs naming 172.17.8.1.
const bridgePort = await freePort();
const bridge = await startDiscoveryServer({
  listen: { host: "0.0.0.0", port: bridgePort },
  publicUrl: `http://172.17.8.1:${bridgePort}`,
  store: `sqlite:${join(storeDir, "bridge.db")}`,
  newRate: 0,
});

/** The anchor: 3 etcd members on 127.17.8.101-103 bootstrapped through a fresh v2 discovery token. */
async function rawBootstrap(): Promise<number> {
  const group = new EtcdGroup();
  try {
    return await timed("raw etcd", async () => {
      const token = await newToken(local.url, 3);
      const members = [1, 2, 3].map((i) =>
        group.start({
          name: `raw-${i}`,
          host: `127.17.8.${100 + i}`,
          discovery: token,
          fastRaft: false,
          extraArgs: [
            "--heartbeat-interval",
            String(RAFT.heartbeatMs),
            "--election-timeout",
            String(RAFT.electionMs),
          ],
        }),
      );
      await Promise.all(members.map((m) => m.waitHealthy(60_000)));
    });
  } finally {
    await group.cleanup();
  }
}

/** True when no live process belongs to any of these process groups. */
function groupsEmpty(groups: readonly number[]): boolean {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] is the state, fields[2] the process group.
      if (fields[0] !== "Z" && groups.includes(Number(fields[2]))) return false;
    } catch {
      // gone meanwhile
    }
  }
  return true;
}

/** The floor: node-floor's CLI, timed from its spawn to its exit; its agents stopped after. */
async function nodeFloor(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "shoal-bench-floor-"));
  const agents: number[] = [];
  try {
    return await timed("node floor", async () => {
      const token = await newToken(local.url, 3);
      const hosts = [1, 2, 3].map((i) => `127.17.8.${100 + i}`);
      const cli = spawn(
        process.execPath,
        [FLOOR_CLI, token, dataDir, String(RAFT.heartbeatMs), String(RAFT.electionMs), ...hosts],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      cli.stdout.on("data", (chunk: Buffer) => {
        for (const pid of chunk.toString().split("\n").filter(Boolean)) agents.push(Number(pid));
      });
      const code = await new Promise<number | null>((resolve) => cli.on("close", resolve));
      if (code !== 0) throw new Error(`node-floor exited ${code}`);
    });
  } finally {
    for (const pid of agents) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    // Each agent leads its process group, with its etcd in it: wait until the groups are empty.
    await waitFor(() => groupsEmpty(agents), { what: "node-floor's agents and etcd to stop" });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each side's host CPU time per timed run: the whole host's, idle but for the run. */
const cpu = new Map<string, number[]>();

/** timeMs of fn, recording the host's CPU time over the same span under `name`. */
async function timed(name: string, fn: () => Promise<unknown>): Promise<number> {
  const before = hostBusyMs();
  const ms = await timeMs(fn);
  cpu.set(name, [...(cpu.get(name) ?? []), hostBusyMs() - before]);
  return ms;
}

function cpuLines(...names: string[]): string[] {
  return names.map(
    (name) => `${name}: host CPU ${median(cpu.get(name) ?? [0]).toFixed(0)} ms a run (median)`,
  );
}

// A failed round still stops both servers and removes their stores.
try {
  await compare({
    title:
      "the floor: a Node CLI starting one Node process per machine, each starting etcd, vs raw etcd",
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    warmup: 1,
    ours: { name: "node floor", measure: nodeFloor },
    anchor: { name: "raw etcd", measure: rawBootstrap },
    notes: () => cpuLines("node floor", "raw etcd"),
  });

  for (const provider of providers) {
    const discovery = provider === "namespace" ? `http://172.17.8.1:${bridgePort}` : local.url;
    const name = `shoal up (${provider})`;
    await compare({
      title: `time until 3 machines' etcd is healthy, ${provider} provider vs the node floor`,
      unit: "ms",
      better: "lower",
      rounds: ROUNDS,
      warmup: 1,
      ours: {
        name,
        measure: async () => {
          const c = benchCluster(
            { instances: 3, provider, discovery },
            provider === "rootless" && rootlessUser ? { user: rootlessUser } : {},
          );
          try {
            return await timed(name, async () => await c.shoal(["up", "--timeout", "60s"]));
          } finally {
            await c.remove();
          }
        },
      },
      anchor: { name: "node floor", measure: nodeFloor },
      notes: () => cpuLines(name, "node floor"),
    });
  }
} finally {
  await Promise.all([local.close(), bridge.close()]);
  rmSync(storeDir, { recursive: true, force: true });
}
