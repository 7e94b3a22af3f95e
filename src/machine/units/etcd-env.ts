import { inRoot } from "../layout.js";
import type { MachineContext, PreparedExec } from "./context.js";

/** ETCD_* variables etcd 3.4.23 reads: its `etcd --help` flags, upper-cased, `-` to `_`. */
const ETCD34 = new Set(
  [
    "name data-dir wal-dir snapshot-count heartbeat-interval election-timeout",
    "initial-election-tick-advance listen-peer-urls listen-client-urls max-snapshots",
    "max-wals quota-backend-bytes backend-batch-interval backend-batch-limit",
    "max-txn-ops max-request-bytes max-concurrent-streams grpc-keepalive-min-time",
    "grpc-keepalive-interval grpc-keepalive-timeout initial-advertise-peer-urls",
    "initial-cluster initial-cluster-state initial-cluster-token",
    "advertise-client-urls discovery discovery-fallback discovery-proxy",
    "discovery-srv discovery-srv-name strict-reconfig-check pre-vote",
    "auto-compaction-retention auto-compaction-mode enable-v2 cert-file key-file",
    "client-cert-auth client-crl-file client-cert-allowed-hostname trusted-ca-file",
    "auto-tls peer-cert-file peer-key-file peer-client-cert-auth",
    "peer-trusted-ca-file peer-cert-allowed-cn peer-cert-allowed-hostname",
    "peer-auto-tls peer-crl-file cipher-suites cors host-whitelist auth-token",
    "bcrypt-cost auth-token-ttl enable-pprof metrics listen-metrics-urls logger",
    "log-outputs log-level proxy proxy-failure-wait proxy-refresh-interval",
    "proxy-dial-timeout proxy-write-timeout proxy-read-timeout force-new-cluster",
    "debug log-package-levels",
  ]
    .join(" ")
    .split(" ")
    .map((f) => `ETCD_${f.toUpperCase().replaceAll("-", "_")}`),
);

/** etcd 0.4's `host:port` addresses as URLs (a URL stays as it is). */
export function addrToUrl(addr: string): string {
  return /^\w+:\/\//.test(addr) ? addr : `http://${addr}`;
}

/** The client URLs a member advertises (ETCD_ADVERTISE_CLIENT_URLS), when it sets them. */
export function advertisedUrls(env: Record<string, string>): string[] | undefined {
  return env.ETCD_ADVERTISE_CLIENT_URLS?.split(",").map((u) => u.trim());
}

const LOCAL_HOSTS = new Set(["0.0.0.0", "[::]", "127.0.0.1", "localhost", "[::1]", ""]);

/**
 * On a shared network (process provider) every machine's etcd would bind
 * the same 0.0.0.0:2379; bind each to its own address instead.
 */
export function bindToMachine(urls: string, address: string): string {
  const out: string[] = [];
  for (const raw of urls.split(",")) {
    const u = raw.trim();
    const m = /^(\w+:\/\/)(\[[^\]]*\]|[^:/]*)(.*)$/.exec(u);
    const fixed = m && LOCAL_HOSTS.has(m[2] ?? "") ? `${m[1]}${address}${m[3]}` : u;
    if (!out.includes(fixed)) out.push(fixed);
  }
  return out.join(",");
}

/** The environment etcd 3.4 gets: known variables only, paths in the machine, own addresses. */
export function etcd34Env(
  env: Record<string, string>,
  ctx: MachineContext,
): { env: Record<string, string>; notes: string[] } {
  const out: Record<string, string> = {};
  const notes: string[] = [];
  const defaults = ctx.etcd.role === "member" ? (ctx.etcd.env ?? {}) : {};
  const input = { ...defaults, ...env };
  // etcd2's ca-file options are gone in 3.4; their meaning lives on in these two pairs.
  for (const [old, ca, auth] of [
    ["ETCD_CA_FILE", "ETCD_TRUSTED_CA_FILE", "ETCD_CLIENT_CERT_AUTH"],
    ["ETCD_PEER_CA_FILE", "ETCD_PEER_TRUSTED_CA_FILE", "ETCD_PEER_CLIENT_CERT_AUTH"],
  ] as const) {
    const v = input[old];
    if (v === undefined) continue;
    delete input[old];
    input[ca] ??= v;
    input[auth] ??= "true";
  }
  for (const [k, v] of Object.entries(input)) {
    if (!k.startsWith("ETCD_")) out[k] = v;
    else if (ETCD34.has(k)) out[k] = v;
    else notes.push(`ignoring ${k}: etcd 3.4 has no such option`);
  }
  for (const k of ["ETCD_DATA_DIR", "ETCD_WAL_DIR"]) {
    const v = out[k];
    if (v?.startsWith("/")) out[k] = inRoot(ctx.root, v);
  }
  const ip = ctx.privateIpv4;
  if (ctx.sharedNetwork && ip) {
    // Defaults etcd would otherwise take (localhost:2379/2380), made the machine's own.
    out.ETCD_LISTEN_CLIENT_URLS = bindToMachine(
      out.ETCD_LISTEN_CLIENT_URLS ?? "http://localhost:2379",
      ip,
    );
    out.ETCD_LISTEN_PEER_URLS = bindToMachine(
      out.ETCD_LISTEN_PEER_URLS ?? "http://localhost:2380",
      ip,
    );
    out.ETCD_ADVERTISE_CLIENT_URLS = bindToMachine(
      out.ETCD_ADVERTISE_CLIENT_URLS ?? "http://localhost:2379",
      ip,
    );
    out.ETCD_INITIAL_ADVERTISE_PEER_URLS = bindToMachine(
      out.ETCD_INITIAL_ADVERTISE_PEER_URLS ?? "http://localhost:2380",
      ip,
    );
  }
  return { env: out, notes };
}

/** A machine beyond etcdSize: etcd's v3 gRPC proxy on the client address instead of a member. */
export function grpcProxy(
  env: Record<string, string>,
  ctx: MachineContext,
  endpoints: string[],
): Required<Omit<PreparedExec, "readyLine">> {
  const advertised = (env.ETCD_ADVERTISE_CLIENT_URLS ?? "").split(",")[0]?.trim() ?? "";
  const port = /:(\d+)(?:\/|$)/.exec(advertised)?.[1] ?? "2379";
  const host = ctx.sharedNetwork && ctx.privateIpv4 ? ctx.privateIpv4 : "0.0.0.0";
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("ETCD_")));
  const clientUrl = addrToUrl(`${ctx.privateIpv4 ?? "127.0.0.1"}:${port}`);
  return {
    argv: [
      "etcd",
      "grpc-proxy",
      "start",
      `--endpoints=${endpoints.map((e) => e.replace(/^https?:\/\//, "")).join(",")}`,
      `--listen-addr=${host}:${port}`,
      // The proxy's member list names the proxy by this: a URL, as members' client URLs are,
      // so a client that follows the member list (fleetd) can dial it.
      `--advertise-client-url=${clientUrl}`,
      `--data-dir=${inRoot(ctx.root, "/var/lib/etcd-proxy")}`,
    ],
    env: clean,
    clientUrls: [clientUrl],
    notes: [`this machine is beyond etcdSize: running etcd grpc-proxy to ${endpoints.join(",")}`],
  };
}
