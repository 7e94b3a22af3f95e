import type { Init } from "../init/init.js";
import { addrToUrl, ETCD_UNITS, type MachineContext } from "../units/index.js";

/**
 * Where etcdctl and fleet inside the machine talk: the client URLs of the
 * etcd unit user-data configured (its member, or its gRPC proxy), else
 * etcd's default port on the machine's address.
 */
export function etcdEndpoints(init: Init, ctx: MachineContext): string[] {
  for (const name of ETCD_UNITS) {
    if (!init.hasConfig(name)) continue;
    const urls = init.describeMain(name)?.clientUrls;
    if (urls?.length) return urls;
  }
  return [addrToUrl(`${ctx.privateIpv4 ?? "127.0.0.1"}:2379`)];
}
