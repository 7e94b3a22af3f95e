import { mkdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname } from "node:path";
import { Agent } from "./agent.js";
import { apiHandler } from "./api-server.js";
import { RegistryApi } from "./client.js";
import type { FleetConfig } from "./config.js";
import { connectCluster } from "./connect.js";
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
}

/**
 * One fleetd: an engine (unless disable_engine) and an agent, on one etcd
 * connection, running units through the machine's UnitHost.
 */
export async function startFleetd(opts: {
  config: FleetConfig;
  host: UnitHost;
  machineId: string;
  hostname?: string;
  /** The API's unix socket (the machine's /var/run/fleet.sock), if any. */
  apiSocket?: string;
  /** Where the agent records the units it loads (the machine's /run/fleet/units). */
  recordDir?: string;
  log: (line: string) => void;
}): Promise<Fleetd> {
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
  };
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
