/**
 * fleet.service as a task of its machine's agent. This module is what the
 * agent loads when the unit starts: settings, file checks and the wait for
 * etcd only. fleetd itself (the etcd client, the engine, the agent, the API)
 * is loaded once etcd is healthy, so that a forming cluster's CPU is
 * etcd's, and an agent whose fleet.service never starts never loads it.
 */
import { accessSync, constants } from "node:fs";
import { InputError } from "../errors/index.js";
import { waitHealthy } from "../etcd/index.js";
import { fleetConfigFromEnv } from "./config.js";
import type { UnitHost } from "./unit-host.js";

export interface FleetServiceOptions {
  /** The unit's environment: FLEET_* from cloud-config's drop-in, Environment=, EnvironmentFile=. */
  env: Record<string, string>;
  host: UnitHost;
  machineId: string;
  hostname: string;
  machineDir: string;
  /** The machine's /var/run/fleet.sock and /run/fleet/units, as the agent reaches them. */
  apiSocket: string;
  recordDir: string;
  signal: AbortSignal;
  killed: AbortSignal;
  onSignal(signal: "SIGHUP" | "SIGUSR1", handler: () => void): void;
  log: (line: string) => void;
}

/** Runs fleetd until the unit stops; throws (the unit fails) on a bad setting. */
export async function runFleetService(opts: FleetServiceOptions): Promise<void> {
  const config = fleetConfigFromEnv(opts.env);
  const tlsFiles = {
    FLEET_ETCD_CAFILE: config.etcdTls.caFile,
    FLEET_ETCD_CERTFILE: config.etcdTls.certFile,
    FLEET_ETCD_KEYFILE: config.etcdTls.keyFile,
  };
  for (const [variable, file] of Object.entries(tlsFiles)) {
    if (file !== undefined && !readable(file)) {
      throw new InputError(`cannot read ${file}`, { file: "environment", key: variable });
    }
  }
  opts.log(`fleetd: waiting for etcd at ${config.etcdServers.join(",")}`);
  if (!(await waitHealthy(config.etcdServers, opts.signal))) return;
  const { runFleetd } = await import("./fleetd.js");
  // Stopped while loading: a fleetd started now would register the machine for nothing.
  if (opts.signal.aborted) return;
  await runFleetd({ ...opts, config });
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false; // missing or not ours to read: the caller names the setting
  }
}
