/**
 * A real shoal cluster for the fleet benchmarks: `shoal up` (process
 * provider) in a temp directory, with its own discovery server; a registry
 * client on its etcd; `destroy` and cleanup when done.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DiscoveryServer, startDiscoveryServer } from "../../src/discovery/index.js";
import { EtcdClient } from "../../src/etcd/index.js";
import { currentState, Registry } from "../../src/fleet/index.js";
import { run } from "../../src/host/index.js";

const SHOAL = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

export interface BenchCluster {
  dir: string;
  names: string[];
  registry: Registry;
  shoal(args: string[]): Promise<string>;
  machineDir(name: string): string;
  /** Units launched (desired and current state launched, systemd active), by unit name -> machine name. */
  launched(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function upCluster(opts: {
  subnet: string;
  agentTtl: string;
  reconcileSeconds: number;
}): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-fleet-bench-"));
  const env = { ...process.env, SHOAL_STATE_DIR: join(dir, "state") };
  const discovery: DiscoveryServer = await startDiscoveryServer({
    listen: { host: "127.0.0.1", port: 0 },
    store: `sqlite:${join(dir, "discovery.db")}`,
  });
  const octets = opts.subnet.split(".").slice(1, 3).join(".");
  const addresses = [101, 102, 103].map((n) => `127.${octets}.${n}`);
  writeFileSync(
    join(dir, "shoal.yaml"),
    `instances: 3\nprovider: process\nuserData: ./user-data\ndiscovery: ${discovery.url}\nnetwork:\n  subnet: ${opts.subnet}\n`,
  );
  writeFileSync(
    join(dir, "user-data"),
    `#cloud-config
coreos:
  etcd2:
    advertise-client-urls: http://$public_ipv4:2379
    initial-advertise-peer-urls: http://$private_ipv4:2380
    listen-client-urls: http://$private_ipv4:2379
    listen-peer-urls: http://$private_ipv4:2380
  fleet:
    public-ip: $public_ipv4
    agent-ttl: ${opts.agentTtl}
    engine-reconcile-interval: ${opts.reconcileSeconds}
  units:
    - name: etcd2.service
      command: start
    - name: fleet.service
      command: start
`,
  );
  // Asynchronous: the discovery server answers from this process while `up` runs.
  const shoal = async (args: string[]) =>
    (await run([process.execPath, SHOAL, ...args], { cwd: dir, env })).stdout;
  const etcd = new EtcdClient({
    endpoints: addresses.map((a) => `http://${a}:2379`),
    requestTimeoutMs: 2000,
  });
  const registry = new Registry(etcd);
  const close = async () => {
    etcd.close();
    await shoal(["destroy", "-f"]).catch(() => {});
    await discovery.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await shoal(["up"]);
    const deadline = Date.now() + 60_000;
    while ((await registry.machines()).length < 3) {
      if (Date.now() > deadline) throw new Error("fleet machines did not register");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    dir,
    names: ["core-01", "core-02", "core-03"],
    registry,
    shoal,
    machineDir: (name) => join(dir, ".shoal", "machines", name),
    async launched() {
      const snap = await registry.snapshot();
      const names = new Map(snap.machines.map((m) => [m.id, m.hostname ?? m.id]));
      const out = new Map<string, string>();
      for (const j of snap.jobs) {
        if (!j.target || currentState(j, snap.states) !== "launched") continue;
        const s = snap.states.find((x) => x.unit === j.name && x.machineId === j.target);
        if (s?.active === "active") out.set(j.name, names.get(j.target) ?? j.target);
      }
      return out;
    },
    close,
  };
}

/** Polls until check() returns a value; rejects after timeoutMs. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
