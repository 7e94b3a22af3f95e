import { createHash } from "node:crypto";
import type { Provider } from "./provider.js";

/**
 * Names and addresses every provider shares, derived from the machine's
 * index i (1-based) as coreos-vagrant did: core-0i at 172.17.8.(100+i).
 */

export const FIRST_HOST = 101;
export const BRIDGE = "shoal0";
export const DEFAULT_SUBNET = "172.17.8.0/24";

/** `core-01`, `core-02`, ... (two digits at least, like vagrant's "%02d"). */
export function machineName(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(2, "0")}`;
}

/** The first three octets of a /24 such as 172.17.8.0/24. */
function octets(subnet: string): [string, string, string] {
  const [a = "", b = "", c = ""] = subnet.split("/")[0]?.split(".") ?? [];
  return [a, b, c];
}

/** The namespace provider's machine address on the bridge: 172.17.8.(100+i). */
export function bridgeAddress(subnet: string, index: number): string {
  return `${octets(subnet).join(".")}.${FIRST_HOST - 1 + index}`;
}

/** The host's own address on the bridge, the machines' gateway: 172.17.8.1. */
export function gatewayAddress(subnet: string): string {
  return `${octets(subnet).join(".")}.1`;
}

/** The process provider's loopback address: 127.17.8.(100+i), the subnet's middle octets on lo. */
export function loopbackAddress(subnet: string, index: number): string {
  const [, b, c] = octets(subnet);
  return `127.${b}.${c}.${FIRST_HOST - 1 + index}`;
}

/** Loopback addresses of the first n machines of the default subnet (doctor checks these). */
export function defaultLoopbackAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => loopbackAddress(DEFAULT_SUBNET, i + 1));
}

/** A short id for a cluster directory, so two clusters' namespaces and veths never share names. */
export function clusterId(dir: string): string {
  return createHash("sha256").update(dir).digest("hex").slice(0, 6);
}

/** The network namespace of a machine: `shoal-<id>-core-01`. */
export function netnsName(id: string, machine: string): string {
  return `shoal-${id}-${machine}`;
}

/** The host end of a machine's veth pair; at most 15 characters, as Linux requires. */
export function vethName(id: string, index: number): string {
  return `sh${id}v${index}`;
}

/**
 * What the providers on the host's own network share (process, rootless):
 * each machine binds its loopback address, and reaches the host at 127.0.0.1.
 */
export const hostNetwork: Pick<Provider, "sharedNetwork" | "address" | "hostAddress" | "prepare"> =
  {
    sharedNetwork: true,
    address: loopbackAddress,
    hostAddress: () => "127.0.0.1",
    async prepare(): Promise<void> {},
  };
