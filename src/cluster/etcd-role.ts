import { type MachineMeta, parseCloudConfig, plan, substitute } from "../cloudconfig/index.js";

const ETCD_UNITS = ["etcd2.service", "etcd.service"];

/**
 * The client URL a member's etcd advertises, as its own user-data sets it
 * (etcd2's advertise-client-urls, or the old etcd section's addr), after
 * $private_ipv4/$public_ipv4 are filled in. Pure.
 */
export function advertisedClientUrl(userData: string, meta: MachineMeta): string {
  const fallback = `http://${meta.privateIpv4}:2379`;
  const { config } = parseCloudConfig(substitute(userData, meta));
  const units = plan(config, meta).units.filter((u) => ETCD_UNITS.includes(u.name));
  for (const unit of units) {
    const env = new Map<string, string>();
    for (const d of unit.dropIns) {
      for (const m of d.content.matchAll(/^Environment="?([A-Z0-9_]+)=([^"\n]*)"?$/gm)) {
        if (m[1] && m[2] !== undefined) env.set(m[1], m[2]);
      }
    }
    const advertised = env.get("ETCD_ADVERTISE_CLIENT_URLS")?.split(",")[0]?.trim();
    if (advertised) return advertised;
    const addr = env.get("ETCD_ADDR");
    if (addr) return /^\w+:\/\//.test(addr) ? addr : `http://${addr}`;
  }
  return fallback;
}

/** A machine's part in etcd: the first etcdSize machines bootstrap it, the rest proxy to them. */
export type EtcdRole = { role: "member" } | { role: "proxy"; endpoints: string[] };

export function etcdRole(index: number, etcdSize: number, memberUrls: string[]): EtcdRole {
  return index <= etcdSize ? { role: "member" } : { role: "proxy", endpoints: memberUrls };
}
