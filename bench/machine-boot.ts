/**
 * Figure: time from starting one machine until its etcd answers /health,
 * `shoal machine boot` of the coreos-vagrant sample (config drive,
 * validate, plan, apply, init, etcd2.service) vs the raw etcd process the
 * unit runs, with the same flags. Also the agent's peak memory (VmHWM).
 * Run after `npm run build`: npx tsx bench/machine-boot.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeConfigDrive } from "../src/machine/index.js";
import { peakMemoryMb } from "../test/e2e/harness/index.js";
import { compare, median } from "./lib/compare.js";

const SHOAL = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const USER_DATA = readFileSync(
  new URL("../test/fixtures/coreos-vagrant/user-data.sample", import.meta.url),
  "utf8",
);
const RAFT = { ETCD_HEARTBEAT_INTERVAL: "10", ETCD_ELECTION_TIMEOUT: "100" };

async function healthy(url: string, since: number): Promise<number> {
  for (;;) {
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok && ((await r.json()) as { health: string }).health === "true")
        return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > 30_000) throw new Error(`${url} never became healthy`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

const agentPeaks: number[] = [];

async function shoalMachine(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-machine-"));
  const ip = "127.17.8.230";
  writeConfigDrive(dir, {
    userData: USER_DATA,
    meta: { hostname: "core-01", machineId: "b".repeat(32), privateIpv4: ip, publicIpv4: ip },
    etcd: { role: "member", env: RAFT },
  });
  const t0 = performance.now();
  const agent = spawn(process.execPath, [SHOAL, "machine", "boot", "--dir", dir], {
    stdio: "ignore",
  });
  try {
    const ms = await healthy(`http://${ip}:2379`, t0);
    agentPeaks.push(peakMemoryMb(agent.pid as number));
    return ms;
  } finally {
    agent.kill("SIGTERM");
    await stopped(agent);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawEtcd(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-etcd-"));
  const ip = "127.17.8.231";
  const env = {
    ...RAFT,
    ETCD_NAME: "c".repeat(32),
    ETCD_DATA_DIR: join(dir, "etcd2"),
    ETCD_ADVERTISE_CLIENT_URLS: `http://${ip}:2379`,
    ETCD_INITIAL_ADVERTISE_PEER_URLS: `http://${ip}:2380`,
    ETCD_LISTEN_CLIENT_URLS: `http://${ip}:2379,http://${ip}:4001`,
    ETCD_LISTEN_PEER_URLS: `http://${ip}:2380,http://${ip}:7001`,
  };
  const t0 = performance.now();
  const etcd = spawn("etcd", [], { env: { PATH: process.env.PATH, ...env }, stdio: "ignore" });
  try {
    return await healthy(`http://${ip}:2379`, t0);
  } finally {
    etcd.kill("SIGTERM");
    await stopped(etcd);
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = await compare(
  {
    title: "one machine booted from the coreos-vagrant sample until its etcd is healthy",
    unit: "ms",
    better: "lower",
    rounds: 7,
    warmup: 1,
    ours: { name: "shoal machine boot", measure: shoalMachine },
    anchor: { name: "raw etcd", measure: rawEtcd },
  },
  (line) => {
    // The ratio stays the last line: print the memory figure before compare's summary.
    if (line.startsWith("# ")) {
      const peaks = agentPeaks.slice(-7);
      console.log(
        `agent peak RSS (VmHWM): median ${median(peaks).toFixed(1)} MB, max ${Math.max(...peaks).toFixed(1)} MB (goal < 64 MB)`,
      );
    }
    console.log(line);
  },
);
void result;
