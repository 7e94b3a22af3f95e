import type { Init } from "../init/init.js";
import { addrToUrl, ETCD_UNITS, type MachineContext } from "../units/index.js";

/**
 * Where etcdctl and fleet inside the machine talk: the client URLs of the
 * etcd unit user-data configured (its member, or its gRPC proxy), else
 * etcd's default port on the machine's address. Behind a proxy come the
 * members it forwards to: the proxy speaks only gRPC, and shoal's own
 * clients (fleet, locksmith) speak etcd's JSON gateway, so they step on to them.
 */
export function etcdEndpoints(init: Init, ctx: MachineContext): string[] {
  for (const name of ETCD_UNITS) {
    if (!init.hasConfig(name)) continue;
    const urls = init.describeMain(name)?.clientUrls;
    if (urls?.length) return ctx.etcd.role === "proxy" ? [...urls, ...ctx.etcd.endpoints] : urls;
  }
  return [addrToUrl(`${ctx.privateIpv4 ?? "127.0.0.1"}:2379`)];
}
