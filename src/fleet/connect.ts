import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Etcd3 } from "etcd3";
import { Registry } from "./registry.js";

export interface Connection {
  registry: Registry;
  client: Etcd3;
  close(): void;
}

/**
 * A registry on the cluster's etcd. Unary calls get the request timeout
 * (fleetctl 3 s, fleetd 1 s); watch and keepalive streams do not.
 */
export interface EtcdAccess {
  endpoints: string[];
  prefix: string;
  requestTimeoutMs: number;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  auth?: { username: string; password: string };
}

export function connectRegistry(opts: EtcdAccess): Connection {
  for (const e of opts.endpoints) {
    if (!/^https?:\/\//.test(e)) {
      throw new Error(`endpoint "${e}" is not an etcd URL (http://HOST:PORT)`);
    }
  }
  const tls = opts.tls ?? {};
  const client = new Etcd3({
    hosts: opts.endpoints,
    ...(tls.caFile || tls.certFile || tls.keyFile
      ? {
          credentials: {
            rootCertificate: tls.caFile ? readFileSync(tls.caFile) : Buffer.alloc(0),
            ...(tls.keyFile ? { privateKey: readFileSync(tls.keyFile) } : {}),
            ...(tls.certFile ? { certChain: readFileSync(tls.certFile) } : {}),
          },
        }
      : {}),
    ...(opts.auth ? { auth: opts.auth } : {}),
    dialTimeout: opts.requestTimeoutMs,
    defaultCallOptions: (ctx) =>
      ctx.isStream ? {} : { deadline: Date.now() + opts.requestTimeoutMs },
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
    const res = await first.client.cluster.memberList({});
    urls = res.members.flatMap((m) => m.clientURLs);
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
