import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EtcdClient } from "../etcd/index.js";
import { Registry } from "./registry.js";

export interface Connection {
  registry: Registry;
  client: EtcdClient;
  close(): void;
}

/**
 * A registry on the cluster's etcd. Each call gets the request timeout on
 * each member it tries (fleetctl 3 s, fleetd 1 s); open watches do not.
 */
export interface EtcdAccess {
  endpoints: string[];
  prefix: string;
  requestTimeoutMs: number;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  auth?: { username: string; password: string };
}

export function connectRegistry(opts: EtcdAccess): Connection {
  const client = new EtcdClient({
    endpoints: opts.endpoints,
    requestTimeoutMs: opts.requestTimeoutMs,
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.auth ? { auth: opts.auth } : {}),
  });
  return { registry: new Registry(client, opts.prefix), client, close: () => client.close() };
}

/**
 * Like connectRegistry, then asks etcd for every member's client URLs and
 * talks to all of them, so losing the member it was pointed at (say, its
 * own machine's etcd when that member was the leader and was killed) does
 * not cut it off: leases stay alive through the other members (#1289).
 */
export async function connectCluster(opts: EtcdAccess): Promise<Connection> {
  const first = connectRegistry(opts);
  let urls: string[];
  try {
    urls = await first.client.memberClientUrls();
  } catch {
    return first; // etcd not answering yet: the given endpoints will do
  }
  const all = [...new Set([...opts.endpoints, ...urls])];
  if (all.length === opts.endpoints.length) return first;
  first.close();
  return connectRegistry({ ...opts, endpoints: all });
}

/** Where fleetd tells the machine's fleetctl how it reaches etcd (upstream: /var/run/fleet.sock). */
export function localFleetFile(machineDir: string): string {
  return join(machineDir, "fleet.json");
}

export interface LocalFleet {
  etcdServers: string[];
  etcdKeyPrefix: string;
  /** The fleet API's unix socket, as this machine's processes reach it. */
  apiSocket?: string;
}

export function writeLocalFleet(machineDir: string, local: LocalFleet): void {
  writeFileSync(localFleetFile(machineDir), `${JSON.stringify(local)}\n`);
}

export function readLocalFleet(machineDir: string | undefined): LocalFleet | undefined {
  if (!machineDir) return undefined;
  try {
    return JSON.parse(readFileSync(localFleetFile(machineDir), "utf8")) as LocalFleet;
  } catch {
    return undefined; // no fleetd here (yet), or it is writing the file: fleetctl uses its defaults
  }
}
