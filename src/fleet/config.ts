import { InputError } from "../errors/index.js";
import { parseDuration } from "../host/index.js";
import { DEFAULT_PREFIX } from "./registry.js";

/**
 * fleetd's configuration from FLEET_<OPTION> variables, as cloud-config's
 * `coreos.fleet` drop-in sets them (fleet.conf options, A.6.1).
 */
export interface FleetConfig {
  etcdServers: string[];
  etcdKeyPrefix: string;
  etcdRequestTimeoutMs: number;
  engineReconcileIntervalMs: number;
  /** agent_ttl in whole seconds: etcd leases count in seconds. */
  agentTtlSeconds: number;
  publicIp?: string;
  metadata: Record<string, string>;
  disableEngine: boolean;
}

const SOURCE = "environment";

function bad(variable: string, message: string): InputError {
  return new InputError(message, { file: SOURCE, key: variable });
}

/** `k=v,k2=v2`, spaces around `=` and `,` stripped, the last duplicate wins. */
export function parseMetadata(text: string, variable = "FLEET_METADATA"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const key = eq === -1 ? "" : pair.slice(0, eq).trim();
    const value = eq === -1 ? "" : pair.slice(eq + 1).trim();
    if (!key || !value) throw bad(variable, `metadata entry "${pair.trim()}" is not key=value`);
    out[key] = value;
  }
  return out;
}

/** A float number of seconds (fleet.conf style), returned in milliseconds. */
function seconds(env: NodeJS.ProcessEnv, variable: string, fallbackSeconds: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallbackSeconds * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw bad(variable, `"${raw}" is not a positive number of seconds`);
  return n * 1000;
}

function bool(env: NodeJS.ProcessEnv, variable: string): boolean {
  const raw = (env[variable] ?? "").toLowerCase();
  if (raw === "" || ["false", "0", "no", "off", "f"].includes(raw)) return false;
  if (["true", "1", "yes", "on", "t"].includes(raw)) return true;
  throw bad(variable, `"${env[variable]}" is not a boolean`);
}

export function fleetConfigFromEnv(env: NodeJS.ProcessEnv): FleetConfig {
  const servers = (env.FLEET_ETCD_SERVERS || "http://127.0.0.1:2379")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers) {
    if (!/^https?:\/\/[^/]+/.test(s))
      throw bad("FLEET_ETCD_SERVERS", `"${s}" is not an http(s) URL`);
  }
  const ttlMs = parseDuration(env.FLEET_AGENT_TTL || "30s", "FLEET_AGENT_TTL");
  const prefix = env.FLEET_ETCD_KEY_PREFIX || DEFAULT_PREFIX;
  return {
    etcdServers: servers,
    etcdKeyPrefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
    etcdRequestTimeoutMs: seconds(env, "FLEET_ETCD_REQUEST_TIMEOUT", 1),
    engineReconcileIntervalMs: seconds(env, "FLEET_ENGINE_RECONCILE_INTERVAL", 2),
    agentTtlSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    ...(env.FLEET_PUBLIC_IP ? { publicIp: env.FLEET_PUBLIC_IP } : {}),
    metadata: parseMetadata(env.FLEET_METADATA ?? ""),
    disableEngine: bool(env, "FLEET_DISABLE_ENGINE"),
  };
}
