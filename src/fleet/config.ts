import { isIP } from "node:net";
import { InputError } from "../errors/index.js";
import { parseDuration } from "../host/index.js";
import { DEFAULT_PREFIX } from "./registry.js";

/**
 * fleetd's configuration from FLEET_<OPTION> variables, as cloud-config's
 * `coreos.fleet` drop-in sets them (fleet.conf's options).
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
  /** Page size of the API's lists (token_limit). */
  tokenLimit: number;
  /** Where the API also listens on TCP (FLEET_API_LISTEN, host:port, comma-separated). */
  apiTcp: Array<{ host: string; port: number }>;
  /** TLS files for etcd (etcd_cafile, etcd_certfile, etcd_keyfile). */
  etcdTls: { caFile?: string; certFile?: string; keyFile?: string };
  /** etcd user (etcd_username, etcd_password). */
  etcdAuth?: { username: string; password: string };
  /** Settings given that shoal's fleetd accepts without acting on them, with why: said at boot. */
  ignored: string[];
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
    ...publicIp(env),
    metadata: parseMetadata(env.FLEET_METADATA ?? ""),
    disableEngine: bool(env, "FLEET_DISABLE_ENGINE"),
    tokenLimit: tokenLimit(env),
    apiTcp: apiTcp(env),
    etcdTls: {
      ...(env.FLEET_ETCD_CAFILE ? { caFile: env.FLEET_ETCD_CAFILE } : {}),
      ...(env.FLEET_ETCD_CERTFILE ? { certFile: env.FLEET_ETCD_CERTFILE } : {}),
      ...(env.FLEET_ETCD_KEYFILE ? { keyFile: env.FLEET_ETCD_KEYFILE } : {}),
    },
    ...etcdAuth(env),
    ignored: ignored(env),
  };
}

function tokenLimit(env: NodeJS.ProcessEnv): number {
  const raw = env.FLEET_TOKEN_LIMIT;
  if (raw === undefined || raw === "") return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw bad("FLEET_TOKEN_LIMIT", `"${raw}" is not a whole number from 1 to 65535`);
  }
  return n;
}

function apiTcp(env: NodeJS.ProcessEnv): Array<{ host: string; port: number }> {
  const raw = env.FLEET_API_LISTEN ?? "";
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(?:tcp:\/\/)?([^:/]+):(\d{1,5})$/.exec(entry);
      const port = Number(m?.[2]);
      if (!m || port < 1 || port > 65535) {
        throw bad("FLEET_API_LISTEN", `"${entry}" is not HOST:PORT`);
      }
      return { host: m[1] as string, port };
    });
}

function etcdAuth(env: NodeJS.ProcessEnv): Pick<FleetConfig, "etcdAuth"> {
  const username = env.FLEET_ETCD_USERNAME ?? "";
  const password = env.FLEET_ETCD_PASSWORD ?? "";
  if (!username && !password) return {};
  if (!username) throw bad("FLEET_ETCD_PASSWORD", "etcd_password is set but etcd_username is not");
  return { etcdAuth: { username, password } };
}

function ignored(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const verbosity = env.FLEET_VERBOSITY ?? "";
  if (verbosity !== "") {
    if (!/^\d+$/.test(verbosity))
      throw bad("FLEET_VERBOSITY", `"${verbosity}" is not a whole number`);
    if (verbosity !== "0") out.push("verbosity: fleetd logs every change it makes at one level");
  }
  if (env.FLEET_AUTHORIZED_KEYS_FILE) {
    out.push("authorized_keys_file: signed units are not supported (fleet removed them)");
  }
  if (bool(env, "FLEET_VERIFY_UNITS")) {
    out.push("verify_units: signed units are not supported (fleet removed them)");
  }
  return out;
}

function publicIp(env: NodeJS.ProcessEnv): Pick<FleetConfig, "publicIp"> {
  const raw = env.FLEET_PUBLIC_IP ?? "";
  if (raw === "") return {};
  if (isIP(raw) === 0) throw bad("FLEET_PUBLIC_IP", `"${raw}" is not an IP address`);
  return { publicIp: raw };
}
