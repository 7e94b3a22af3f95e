/**
 * Interim stand-in for issue-3's `src/cloudconfig` (detectInput, validate,
 * substitute, parseCloudConfig, plan), just enough to boot the coreos-vagrant
 * samples. It goes away when issue-3 is merged: cloudinit.ts then imports the
 * real module under the same names.
 */
import { gunzipSync } from "node:zlib";
import { parseDocument } from "yaml";
import type { MachineMeta, Plan, PlannedUnit, UnitCommand } from "./contract.js";

export type InputKind = "empty" | "script" | "ignition" | "cloud-config";
export interface Entry {
  kind: "error" | "warning" | "info";
  line: number;
  column: number;
  message: string;
}

export function detectInput(input: string | Uint8Array): { kind: InputKind; text: string } {
  let bytes = typeof input === "string" ? Buffer.from(input) : Buffer.from(input);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const text = bytes.toString("utf8");
  if (text === "") return { kind: "empty", text };
  if (text.startsWith("#!")) return { kind: "script", text };
  try {
    const json = JSON.parse(text);
    if (Number.isInteger(json?.ignitionVersion) || typeof json?.ignition?.version === "string")
      return { kind: "ignition", text };
  } catch {
    // not JSON
  }
  if ((text.split("\n")[0] ?? "").trimEnd() === "#cloud-config")
    return { kind: "cloud-config", text };
  throw new Error("Unrecognized user-data format");
}

export function validate(_input: string | Uint8Array): { entries: Entry[] } {
  return { entries: [] };
}

const VARS = ["public_ipv4", "private_ipv4", "public_ipv6", "private_ipv6"] as const;

export function substitute(text: string, meta: MachineMeta): string {
  const values: Record<(typeof VARS)[number], string> = {
    public_ipv4: meta.publicIpv4 ?? "",
    private_ipv4: meta.privateIpv4 ?? "",
    public_ipv6: meta.publicIpv6 ?? "",
    private_ipv6: meta.privateIpv6 ?? "",
  };
  let out = text;
  for (const name of VARS) {
    out = out.replace(
      new RegExp(`([^\\\\]|^)\\$${name}`, "gm"),
      (_m, pre: string) => pre + values[name],
    );
    out = out.split(`\\$${name}`).join(`$${name}`);
  }
  return out;
}

type Tree = Record<string, unknown>;
export interface CloudConfig {
  tree: Tree;
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replaceAll("-", "_"), normalize(v)]),
    );
  }
  return value;
}

export function parseCloudConfig(text: string): {
  config: CloudConfig;
  report: { entries: Entry[] };
} {
  const doc = parseDocument(text, { version: "1.1" });
  const tree = normalize(doc.toJS() ?? {}) as Tree;
  return {
    config: { tree: tree && typeof tree === "object" ? tree : {} },
    report: { entries: [] },
  };
}

const ETCD_SPECIAL: Record<string, string> = { snapshot_count: "ETCD_SNAPSHOTCOUNT" };

function dropIn(section: unknown, envName: (key: string) => string): string {
  if (!section || typeof section !== "object") return "";
  const lines = Object.entries(section as Tree)
    .filter(([, v]) => v !== null && v !== undefined && v !== "" && v !== false && v !== 0)
    .map(([k, v]) => `Environment="${envName(k)}=${v}"\n`);
  return lines.length ? `[Service]\n${lines.join("")}` : "";
}

export function plan(config: CloudConfig, meta: MachineMeta): Plan {
  const t = config.tree;
  const coreos = (t.coreos ?? {}) as Tree;
  const units: PlannedUnit[] = [];
  for (const u of (coreos.units ?? []) as Tree[]) {
    if (!u || typeof u.name !== "string") continue;
    units.push({
      name: u.name,
      content: typeof u.content === "string" && u.content ? u.content : undefined,
      dropIns: ((u.drop_ins ?? []) as Tree[])
        .filter((d) => d?.name && d?.content)
        .map((d) => ({ name: String(d.name), content: String(d.content) })),
      runtime: u.runtime === true,
      mask: u.mask === true,
      enable: u.enable === true,
      command: typeof u.command === "string" ? (u.command as UnitCommand) : undefined,
    });
  }
  const upper = (k: string) => `ETCD_${k.toUpperCase()}`;
  const builtins: Array<[string, string]> = [
    ["etcd.service", dropIn(coreos.etcd, (k) => ETCD_SPECIAL[k] ?? upper(k))],
    ["etcd2.service", dropIn(coreos.etcd2, upper)],
    ["fleet.service", dropIn(coreos.fleet, (k) => `FLEET_${k.toUpperCase()}`)],
    ["locksmithd.service", dropIn(coreos.locksmith, (k) => `LOCKSMITHD_${k.toUpperCase()}`)],
  ];
  for (const [name, content] of builtins) {
    units.push({
      name,
      dropIns: content ? [{ name: "20-cloudinit.conf", content }] : [],
      runtime: true,
      mask: false,
      enable: false,
    });
  }
  const files = ((t.write_files ?? []) as Tree[])
    .filter((f) => f && typeof f.path === "string")
    .map((f) => ({
      path: String(f.path),
      mode: f.permissions ? Number.parseInt(String(f.permissions), 8) : 0o644,
      owner: typeof f.owner === "string" ? f.owner : undefined,
      content: typeof f.content === "string" ? f.content : "",
    }));
  const update = (coreos.update ?? {}) as Tree;
  const channel = (update.group as string | undefined) ?? meta.updateChannel;
  if (channel)
    files.push({
      path: "/etc/coreos/update.conf",
      mode: 0o644,
      owner: undefined,
      content: `GROUP=${channel}\n`,
    });
  return {
    files,
    units,
    users: [],
    hostname: typeof t.hostname === "string" ? t.hostname : undefined,
    sshAuthorizedKeys: (t.ssh_authorized_keys as string[] | undefined) ?? [],
  };
}
