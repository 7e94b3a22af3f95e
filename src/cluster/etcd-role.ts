import { type MachineMeta, parseCloudConfig, substitute } from "../cloudconfig/index.js";
import { addrToUrl, type EtcdRole } from "../machine/index.js";

/**
 * The client URL a member's etcd advertises, as its own user-data sets it
 * (etcd2's advertise-client-urls, or the old etcd section's addr), after
 * $private_ipv4/$public_ipv4 are filled in. Read from the typed
 * cloud-config, etcd.service's section first as the plan lists it. Pure.
 */
export function advertisedClientUrl(userData: string, meta: MachineMeta): string {
  const { config } = parseCloudConfig(substitute(userData, meta));
  const { etcd, etcd2 } = config.coreos ?? {};
  for (const section of [etcd, etcd2]) {
    const advertised = section?.advertise_client_urls?.split(",")[0]?.trim();
    if (advertised) return advertised;
    if (section === etcd && etcd?.addr) return addrToUrl(etcd.addr);
  }
  return addrToUrl(`${meta.privateIpv4}:2379`);
}

/**
 * Raft timers for every member's etcd from the host's environment
 * (SHOAL_ETCD_HEARTBEAT_INTERVAL, SHOAL_ETCD_ELECTION_TIMEOUT, in ms):
 * tests and benchmarks make the first election take milliseconds. They
 * reach the machine in its config drive; user-data's own settings win.
 */
export function raftTimers(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const timers: Record<string, string> = {};
  for (const [key, value] of [
    ["ETCD_HEARTBEAT_INTERVAL", env.SHOAL_ETCD_HEARTBEAT_INTERVAL],
    ["ETCD_ELECTION_TIMEOUT", env.SHOAL_ETCD_ELECTION_TIMEOUT],
  ] as const) {
    if (value && /^\d+$/.test(value)) timers[key] = value;
  }
  return Object.keys(timers).length ? timers : undefined;
}

/** A machine's part in etcd: the first etcdSize machines bootstrap it, the rest proxy to them. */
export function etcdRole(
  index: number,
  etcdSize: number,
  memberUrls: string[],
  memberEnv?: Record<string, string>,
): EtcdRole {
  if (index > etcdSize) return { role: "proxy", endpoints: memberUrls };
  return memberEnv ? { role: "member", env: memberEnv } : { role: "member" };
}
