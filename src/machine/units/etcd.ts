import type { BuiltinUnit } from "./context.js";
import { addrToUrl, advertisedUrls, etcd34Env, grpcProxy } from "./etcd-env.js";

/**
 * etcd 0.4's options (cloud-config's old `etcd` section) in etcd 3.4's
 * terms: `addr`/`bind-addr` become client URLs, `peer-addr`/`peer-bind-addr`
 * peer URLs; the rest keep their meaning under the new name, or are noted
 * as gone.
 */
export function etcd04To34(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  const take = (k: string) => {
    const v = out[k];
    delete out[k];
    return v;
  };
  const addr = take("ETCD_ADDR");
  const bind = take("ETCD_BIND_ADDR");
  const peer = take("ETCD_PEER_ADDR");
  const peerBind = take("ETCD_PEER_BIND_ADDR");
  if (addr) out.ETCD_ADVERTISE_CLIENT_URLS ??= addrToUrl(addr);
  if (bind ?? addr) out.ETCD_LISTEN_CLIENT_URLS ??= addrToUrl((bind ?? addr) as string);
  if (peer) out.ETCD_INITIAL_ADVERTISE_PEER_URLS ??= addrToUrl(peer);
  if (peerBind ?? peer) out.ETCD_LISTEN_PEER_URLS ??= addrToUrl((peerBind ?? peer) as string);
  const renames: Array<[string, string]> = [
    ["ETCD_SNAPSHOTCOUNT", "ETCD_SNAPSHOT_COUNT"],
    ["ETCD_PEER_ELECTION_TIMEOUT", "ETCD_ELECTION_TIMEOUT"],
    ["ETCD_PEER_HEARTBEAT_INTERVAL", "ETCD_HEARTBEAT_INTERVAL"],
  ];
  for (const [from, to] of renames) {
    const v = take(from);
    if (v !== undefined) out[to] ??= v;
  }
  return out;
}

/** CoreOS's etcd.service (etcd 0.4 era), running the real etcd 3.4. */
export const etcdService: BuiltinUnit = {
  name: "etcd.service",
  content: `[Unit]
Description=etcd
Conflicts=etcd2.service

[Service]
Environment=ETCD_DATA_DIR=/var/lib/etcd
Environment=ETCD_NAME=%m
ExecStart=/usr/bin/etcd
Restart=always
RestartSec=10s
TimeoutStopSec=10s

[Install]
WantedBy=multi-user.target
`,
  prepare({ argv, env }, ctx) {
    const mapped = etcd04To34(env);
    if (ctx.etcd.role === "proxy") return grpcProxy(mapped, ctx, ctx.etcd.endpoints);
    const { env: out, notes } = etcd34Env(mapped, ctx);
    return { argv, env: out, notes, clientUrls: advertisedUrls(out) };
  },
};
