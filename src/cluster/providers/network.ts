import { run } from "../../host/index.js";
import { BRIDGE, gatewayAddress } from "./common.js";

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

/**
 * Gives a machine its network: namespace `ns`, a veth whose host end `veth`
 * is on the bridge and whose other end is eth0 inside with `address`/24,
 * lo up, and a default route through the bridge. Idempotent.
 */
export async function ensureMachineNetwork(
  ns: string,
  veth: string,
  address: string,
  subnet: string,
): Promise<void> {
  // Two `ip -batch` runs instead of one process per command: forks are what a busy host lacks.
  const host: string[] = [];
  if (!(await listNetns()).includes(ns)) host.push(`netns add ${ns}`);
  if (!(await linkExists(veth))) host.push(`link add ${veth} type veth peer name eth0 netns ${ns}`);
  host.push(`link set ${veth} master ${BRIDGE} up`);
  await run(["ip", "-batch", "-"], { input: `${host.join("\n")}\n` });
  const inside = [
    `addr replace ${address}/24 dev eth0`,
    "link set eth0 up",
    "link set lo up",
    `route replace default via ${gatewayAddress(subnet)}`,
  ];
  await run(["ip", "-n", ns, "-batch", "-"], { input: `${inside.join("\n")}\n` });
}

/** Removes a machine's veth and namespace; what is already gone is fine. */
export async function removeMachineNetwork(ns: string, veth: string): Promise<void> {
  if (await linkExists(veth)) await ip("link", "del", veth);
  if ((await listNetns()).includes(ns)) await ip("netns", "del", ns);
}
