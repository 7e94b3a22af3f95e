import { Etcd3 } from "etcd3";
import { UsageError } from "../errors/index.js";
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
export function connectRegistry(opts: {
  endpoints: string[];
  prefix: string;
  requestTimeoutMs: number;
}): Connection {
  for (const e of opts.endpoints) {
    if (!/^https?:\/\//.test(e)) {
      throw new UsageError(
        `endpoint "${e}" is not an etcd URL (http://HOST:PORT); shoal's fleet talks to etcd directly`,
      );
    }
  }
  const client = new Etcd3({
    hosts: opts.endpoints,
    dialTimeout: opts.requestTimeoutMs,
    defaultCallOptions: (ctx) =>
      ctx.isStream ? {} : { deadline: Date.now() + opts.requestTimeoutMs },
  });
  return { registry: new Registry(client, opts.prefix), client, close: () => client.close() };
}

/** fleetctl's endpoint: --endpoint, FLEETCTL_ENDPOINT, then the machine's etcd, then 127.0.0.1. */
export function fleetctlEndpoints(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const raw =
    flag ||
    env.FLEETCTL_ENDPOINT ||
    env.FLEET_ETCD_SERVERS ||
    env.ETCDCTL_ENDPOINTS ||
    "http://127.0.0.1:2379";
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
