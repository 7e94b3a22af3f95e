import { existsSync } from "node:fs";
import { join } from "node:path";
import { type FleetApi, RegistryApi } from "./client.js";
import { connectRegistry, readLocalFleet } from "./connect.js";
import { HttpApi } from "./http-client.js";
import { DEFAULT_PREFIX } from "./registry.js";

/**
 * How fleetctl reaches fleet: `--driver=API` (fleet's HTTP API on a unix
 * socket or http URL) or `--driver=etcd` (the registry in etcd directly).
 */

export const DEFAULT_ENDPOINT = "unix:///var/run/fleet.sock";

export interface CtlConnectOptions {
  endpoint?: string;
  driver?: string;
  etcdKeyPrefix?: string;
  requestTimeoutMs: number;
  /** TLS files for etcd (--key-file, --cert-file, --ca-file). */
  tls?: { keyFile?: string; certFile?: string; caFile?: string };
  /** SHOAL_MACHINE_DIR: inside a machine, its fleetd says where it listens. */
  machineDir?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The endpoint: --endpoint (or FLEETCTL_ENDPOINT), else this machine's
 * fleet API socket, else its etcd, else FLEET_ETCD_SERVERS/ETCDCTL_ENDPOINTS,
 * else fleet's default socket.
 */
export function ctlEndpoint(opts: CtlConnectOptions): string {
  if (opts.endpoint) return opts.endpoint;
  const local = readLocalFleet(opts.machineDir);
  if (local?.apiSocket) return `unix://${local.apiSocket}`;
  return (
    local?.etcdServers.join(",") ||
    opts.env.FLEET_ETCD_SERVERS ||
    opts.env.ETCDCTL_ENDPOINTS ||
    DEFAULT_ENDPOINT
  );
}

/**
 * The driver: --driver when given (API or etcd, any case); otherwise etcd
 * when the first endpoint's port is 2379 or 4001, as upstream guesses, and
 * API for everything else.
 */
export function ctlDriver(driver: string | undefined, endpoint: string): "API" | "etcd" | string {
  if (driver !== undefined && driver !== "") {
    const d = driver.toLowerCase();
    return d === "api" ? "API" : d === "etcd" ? "etcd" : driver;
  }
  try {
    const url = new URL(endpoint.split(",")[0] ?? "");
    if (url.port === "2379" || url.port === "4001") return "etcd";
  } catch {
    // not a URL: the API driver says why it cannot use it
  }
  return "API";
}

/** A unix socket path as the machine sees it: under the machine's root for the process provider. */
function socketInMachine(path: string, machineDir: string | undefined): string {
  if (!machineDir) return path;
  const inside = join(machineDir, "root", path);
  return existsSync(inside) && !existsSync(path) ? inside : path;
}

export function connectCtl(opts: CtlConnectOptions): FleetApi {
  const endpoint = ctlEndpoint(opts);
  const driver = ctlDriver(opts.driver, endpoint);
  if (driver === "API") {
    const first = endpoint.split(",")[0] ?? "";
    const url = first.startsWith("unix://")
      ? `unix://${socketInMachine(first.slice("unix://".length), opts.machineDir)}`
      : first;
    return new HttpApi(url, opts.requestTimeoutMs);
  }
  if (driver !== "etcd") throw new Error(`unrecognized driver "${driver}"`);
  const local = readLocalFleet(opts.machineDir);
  const prefix = opts.etcdKeyPrefix ?? local?.etcdKeyPrefix ?? DEFAULT_PREFIX;
  const etcd = opts.endpoint ? endpoint : (local?.etcdServers.join(",") ?? endpoint);
  const conn = connectRegistry({
    endpoints: etcd
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    prefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
    requestTimeoutMs: opts.requestTimeoutMs,
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  return new RegistryApi(conn.registry, () => conn.close());
}
