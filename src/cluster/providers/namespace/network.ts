import { run } from "../../../host/index.js";
import { BRIDGE, gatewayAddress } from "../common/names.js";

/**
 * The namespace provider's network, through iproute2: one host bridge
 * (shoal0, the gateway 172.17.8.1/24) and per machine a network namespace
 * joined to it by a veth pair.
 */

async function ip(...args: string[]): Promise<string> {
  return (await run(["ip", ...args])).stdout;
}

async function linkExists(name: string): Promise<boolean> {
  try {
    await ip("link", "show", "dev", name);
    return true;
  } catch {
    return false;
  }
}

/** Creates shoal0 with the subnet's gateway address, if it is not there yet. */
export async function ensureBridge(subnet: string): Promise<void> {
  const gw = `${gatewayAddress(subnet)}/24`;
  if (!(await linkExists(BRIDGE))) {
    try {
      await ip("link", "add", BRIDGE, "type", "bridge");
    } catch (err) {
      // Another `up` may have made it at the same moment.
      if (!(await linkExists(BRIDGE))) throw err;
    }
  }
  const addrs = await ip("-o", "addr", "show", "dev", BRIDGE);
  if (!addrs.includes(` ${gw} `)) await ip("addr", "replace", gw, "dev", BRIDGE);
  await ip("link", "set", BRIDGE, "up");
}

/** The links enslaved to the bridge: a machine of some cluster uses it while there is one. */
export async function bridgePorts(): Promise<string[]> {
  if (!(await linkExists(BRIDGE))) return [];
  return parseLinkNames(await ip("-o", "link", "show", "master", BRIDGE));
}

export async function removeBridgeIfUnused(): Promise<boolean> {
  if (!(await linkExists(BRIDGE)) || (await bridgePorts()).length > 0) return false;
  await ip("link", "del", BRIDGE);
  return true;
}

/** Names from `ip -o link show` lines: "7: shabc123v1@if2: <...>". */
export function parseLinkNames(output: string): string[] {
  return output
    .split("\n")
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((n): n is string => Boolean(n));
}

/** Names from `ip netns list` lines: "shoal-abc123-core-01 (id: 3)". */
export function parseNetnsNames(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((n): n is string => Boolean(n));
}

export async function listNetns(): Promise<string[]> {
  return parseNetnsNames(await ip("netns", "list"));
}

export async function listLinks(): Promise<string[]> {
  return parseLinkNames(await ip("-o", "link", "show"));
}

/** One machine's link to the bridge: its namespace and the host end of its veth pair. */
export interface MachineLink {
  ns: string;
  veth: string;
}

/**
 * Gives machines their host-side network, in three `ip` runs however many
 * machines (forks are what a busy host lacks): per machine a namespace and
 * a veth pair whose host end is on the bridge and whose other end is eth0
 * inside. Idempotent. Addresses inside are the machine's boot script's job.
 */
export async function ensureMachineLinks(links: readonly MachineLink[]): Promise<void> {
  const [namespaces, existing] = await Promise.all([listNetns(), listLinks()]);
  const host: string[] = [];
  for (const { ns, veth } of links) {
    if (!namespaces.includes(ns)) host.push(`netns add ${ns}`);
    if (!existing.includes(veth))
      host.push(`link add ${veth} type veth peer name eth0 netns ${ns}`);
    host.push(`link set ${veth} master ${BRIDGE} up`);
  }
  if (host.length > 0) await run(["ip", "-batch", "-"], { input: `${host.join("\n")}\n` });
}

/** Removes a machine's veth and namespace; what is already gone is fine. */
export async function removeMachineNetwork(ns: string, veth: string): Promise<void> {
  if (await linkExists(veth)) await ip("link", "del", veth);
  if ((await listNetns()).includes(ns)) await ip("netns", "del", ns);
}
