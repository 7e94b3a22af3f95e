import { mkdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname } from "node:path";
import { untilAborted } from "../host/index.js";
import { Agent } from "./agent.js";
import { apiHandler } from "./api-server.js";
import { RegistryApi } from "./client.js";
import type { FleetConfig } from "./config.js";
import { connectCluster, localFleetFile, writeLocalFleet } from "./connect.js";
import { Engine } from "./engine.js";
import { LocalRecord } from "./local-record.js";
import { FLEET_VERSION } from "./registry.js";
import type { UnitHost } from "./unit-host.js";

/** fleet's agent reconciles every 5 s (hard-coded upstream), and on watch events. */
const AGENT_RECONCILE_MS = 5000;

export interface Fleetd {
  engine: Engine | undefined;
  agent: Agent;
  /** Where the HTTP API listens: the unix socket path, and the TCP address if configured. */
  api: string[];
  /** Upstream's SIGTERM path: purge local units, revoke the lease (machine key, states go at once). */
  stop(opts: { purge: boolean }): Promise<void>;
  /**
   * What SIGKILL leaves of a fleetd: its connection and sockets dropped at
   * once, nothing revoked or unloaded; its machine key expires after agent_ttl.
   */
  kill(): void;
}

/** The settings and machine one fleetd runs with. */
export interface FleetdOptions {
  config: FleetConfig;
  host: UnitHost;
  machineId: string;
  hostname?: string;
  /** The API's unix socket (the machine's /var/run/fleet.sock), if any. */
  apiSocket?: string;
  /** Where the agent records the units it loads (the machine's /run/fleet/units). */
  recordDir?: string;
  log: (line: string) => void;
}

/**
 * One fleetd: an engine (unless disable_engine) and an agent, on one etcd
 * connection, running units through the machine's UnitHost.
 */
export async function startFleetd(opts: FleetdOptions): Promise<Fleetd> {
  const { config, log } = opts;
  const conn = await connectCluster({
    endpoints: config.etcdServers,
    prefix: config.etcdKeyPrefix,
    requestTimeoutMs: config.etcdRequestTimeoutMs,
    tls: config.etcdTls,
    ...(config.etcdAuth ? { auth: config.etcdAuth } : {}),
  });
  const agent = new Agent({
    registry: conn.registry,
    machine: {
      id: opts.machineId,
      ...(config.publicIp ? { publicIp: config.publicIp } : {}),
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      metadata: config.metadata,
      version: FLEET_VERSION,
    },
    ttlSeconds: config.agentTtlSeconds,
    reconcileIntervalMs: Math.min(AGENT_RECONCILE_MS, config.agentTtlSeconds * 1000),
    host: opts.host,
    ...(opts.recordDir ? { record: new LocalRecord(opts.recordDir) } : {}),
    log,
  });
  const engine = config.disableEngine
    ? undefined
    : new Engine({
        registry: conn.registry,
        machineId: opts.machineId,
        reconcileIntervalMs: config.engineReconcileIntervalMs,
        agentTtlSeconds: config.agentTtlSeconds,
        log,
      });
  const servers: Server[] = [];
  const api: string[] = [];
  const handler = apiHandler(new RegistryApi(conn.registry), config.tokenLimit, log);
  try {
    await agent.start();
    await engine?.start();
    if (opts.apiSocket) {
      mkdirSync(dirname(opts.apiSocket), { recursive: true });
      // A socket left by a fleetd that was killed would refuse the bind.
      rmSync(opts.apiSocket, { force: true });
      servers.push(await listen(handler, { path: opts.apiSocket }));
      api.push(`unix://${opts.apiSocket}`);
    }
    for (const address of config.apiTcp) {
      servers.push(await listen(handler, address));
      api.push(`http://${address.host}:${address.port}`);
    }
  } catch (err) {
    for (const s of servers) s.close();
    await agent.stop({ purge: false });
    await engine?.stop();
    conn.close();
    throw err;
  }
  return {
    engine,
    agent,
    api,
    async stop({ purge }) {
      for (const s of servers) s.close();
      if (opts.apiSocket) rmSync(opts.apiSocket, { force: true });
      await engine?.stop();
      await agent.stop({ purge });
      conn.close();
    },
    kill() {
      for (const s of servers) s.close();
      // Their timers and watches go now; the lease and leadership writes fail on the closed client.
      void engine?.stop();
      void agent.stop({ purge: false });
      conn.close();
    },
  };
}

/**
 * fleetd's life in its machine's fleet.service: one fleetd from start to
 * stop, the machine's fleetctl told where it is (fleet.json), units purged
 * when the unit stops. SIGHUP (`systemctl kill -s HUP fleet`) restarts the
 * components, units keep running; SIGUSR1 writes the state to the journal.
 */
export async function runFleetd(
  opts: FleetdOptions & {
    machineDir: string;
    /** Aborted when fleet.service stops: purge, then return. */
    signal: AbortSignal;
    /** Aborted when the init gives up on it (SIGKILL): drop everything, purge nothing. */
    killed: AbortSignal;
    onSignal(signal: "SIGHUP" | "SIGUSR1", handler: () => void): void;
  },
): Promise<void> {
  const { config, log, signal, killed } = opts;
  let fleetd = await startFleetd(opts);
  // A kill while a start was under way finds the fleetd here, not in the listener.
  if (killed.aborted) return fleetd.kill();
  killed.addEventListener("abort", () => fleetd.kill(), { once: true });
  writeLocalFleet(opts.machineDir, {
    etcdServers: config.etcdServers,
    etcdKeyPrefix: config.etcdKeyPrefix,
    ...(opts.apiSocket ? { apiSocket: opts.apiSocket } : {}),
  });
  log(
    `fleetd: machine ${opts.machineId} (${opts.hostname}) on ${config.etcdServers.join(",")}, agent_ttl ${config.agentTtlSeconds}s${config.disableEngine ? ", engine disabled" : ""}; API on ${fleetd.api.join(", ")}`,
  );
  for (const note of config.ignored) log(`fleetd: not supported, ignored: ${note}`);
  // The settings come from the unit's environment: a changed drop-in needs a restart.
  let reloading: Promise<void> | undefined;
  let reloadFailed: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    reloadFailed = reject;
  });
  opts.onSignal("SIGHUP", () => {
    reloading ??= (async () => {
      log("fleetd: SIGHUP: restarting the engine, the agent and the API");
      await fleetd.stop({ purge: false });
      fleetd = await startFleetd(opts);
      if (killed.aborted) fleetd.kill();
      log("fleetd: reloaded");
    })()
      // Stopped and not started again: fleet.service fails, and its Restart= starts a new one.
      .catch((err: Error) => reloadFailed(new Error(`fleetd: reload failed: ${err.message}`)))
      .finally(() => {
        reloading = undefined;
      });
  });
  opts.onSignal("SIGUSR1", () =>
    log(
      `fleetd: state ${JSON.stringify({
        engine: { leader: fleetd.engine?.leader ?? false, disabled: config.disableEngine },
        agent: fleetd.agent.describe(),
        api: fleetd.api,
      })}`,
    ),
  );
  await Promise.race([untilAborted(signal), failed]);
  await reloading;
  if (killed.aborted) return;
  log("fleetd: shutting down, unloading local units");
  rmSync(localFleetFile(opts.machineDir), { force: true });
  await fleetd.stop({ purge: true });
}

function listen(
  handler: ReturnType<typeof apiHandler>,
  where: { path: string } | { host: string; port: number },
): Promise<Server> {
  const server = createServer((req, res) => void handler(req, res));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(where, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
