import type { MachineMeta } from "./types.js";

const VARIABLES: readonly [string, keyof MachineMeta][] = [
  ["public_ipv4", "publicIpv4"],
  ["private_ipv4", "privateIpv4"],
  ["public_ipv6", "publicIpv6"],
  ["private_ipv6", "privateIpv6"],
];

/**
 * coreos-cloudinit's substitution over the whole user-data, per variable:
 * replace `([^\\]|^)$name` with the value (empty when the machine has no
 * such address), then unescape `\$name`. Unknown `$vars` are left alone.
 */
export function substitute(text: string, meta: MachineMeta): string {
  let out = text;
  for (const [name, key] of VARIABLES) {
    const value = String(meta[key] ?? "");
    out = out
      .replace(new RegExp(`([^\\\\]|^)\\$${name}`, "g"), (_m, before: string) => before + value)
      .replaceAll(`\\$${name}`, `$${name}`);
  }
  return out;
}
