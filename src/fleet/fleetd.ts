import { Agent } from "./agent.js";
import type { FleetConfig } from "./config.js";
import { connectCluster } from "./connect.js";
import { Engine } from "./engine.js";
import { FLEET_VERSION } from "./registry.js";
import type { UnitHost } from "./unit-host.js";

/** fleet's hard-coded agent reconcile interval (A.6.4). */
export const AGENT_RECONCILE_MS = 5000;

export interface Fleetd {
  engine: Engine | undefined;
  agent: Agent;
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
  log: (line: string) => void;
}): Promise<Fleetd> {
  const { config, log } = opts;
  const conn = await connectCluster({
    endpoints: config.etcdServers,
    prefix: config.etcdKeyPrefix,
    requestTimeoutMs: config.etcdRequestTimeoutMs,
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
    log,
  });
  const engine = config.disableEngine
    ? undefined
    : new Engine({
        registry: conn.registry,
        machineId: opts.machineId,
        reconcileIntervalMs: config.engineReconcileIntervalMs,
        log,
      });
  try {
    await agent.start();
    await engine?.start();
  } catch (err) {
    await agent.stop({ purge: false });
    await engine?.stop();
    conn.close();
    throw err;
  }
  return {
    engine,
    agent,
    async stop({ purge }) {
      await engine?.stop();
      await agent.stop({ purge });
      conn.close();
    },
  };
}
