/**
 * cloudconfig: coreos-cloudinit's user-data dialect as pure functions (no I/O).
 * Detect the input kind, validate it with true positions, substitute
 * `$private_ipv4`-style variables, parse it into a typed config and plan what
 * a machine writes and runs. The reference is specs/cloud-config.md.
 */

export type EntryKind = "error" | "warning" | "info";

/** One finding about the input. Lines and columns count from 1; `#cloud-config` is line 1. */
export interface Entry {
  kind: EntryKind;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export interface Report {
  entries: Entry[];
}

export type InputKind = "empty" | "script" | "ignition" | "cloud-config";

export interface MachineMeta {
  hostname: string;
  machineId: string;
  privateIpv4?: string;
  publicIpv4?: string;
  privateIpv6?: string;
  publicIpv6?: string;
  /** "stable" | "beta" | "alpha": the GROUP of the image's own update.conf. */
  updateChannel?: string;
  /** Key name -> public key, as a datasource's metadata lists them. */
  sshPublicKeys?: Record<string, string>;
}

/** The typed, normalized config (`-` and `_` alike); keys are upstream's YAML names. */
// biome-ignore lint/suspicious/noExplicitAny: placeholder until the schema table lands
export type CloudConfig = Record<string, any>;

export interface PlannedFile {
  path: string;
  mode: number;
  owner?: string;
  content: string | Uint8Array;
}

export interface PlannedDropIn {
  name: string;
  content: string;
}

export type UnitCommand =
  | "start"
  | "stop"
  | "restart"
  | "reload"
  | "try-restart"
  | "reload-or-restart"
  | "reload-or-try-restart";

export interface PlannedUnit {
  name: string;
  content?: string;
  dropIns: PlannedDropIn[];
  runtime: boolean;
  mask: boolean;
  enable: boolean;
  command?: UnitCommand;
}

export interface PlannedUser {
  name: string;
  passwd?: string;
  gecos?: string;
  homedir?: string;
  noCreateHome: boolean;
  primaryGroup?: string;
  groups: string[];
  noUserGroup: boolean;
  system: boolean;
  noLogInit: boolean;
  shell?: string;
  sshAuthorizedKeys: string[];
}

export interface Plan {
  files: PlannedFile[];
  units: PlannedUnit[];
  users: PlannedUser[];
}

/** Never throws on bad input: every problem is an entry. */
export function validate(_input: string | Uint8Array): Report {
  throw new Error("not implemented");
}

/** Gunzips (1f 8b) first, then classifies as upstream does (spec §1). */
export function detectInput(_input: string | Uint8Array): { kind: InputKind; text: string } {
  throw new Error("not implemented");
}

/** `$private_ipv4` and friends over the whole text; `\$` escapes; missing addresses become "". */
export function substitute(_text: string, _meta: MachineMeta): string {
  throw new Error("not implemented");
}

export function parseCloudConfig(_text: string): { config: CloudConfig; report: Report } {
  throw new Error("not implemented");
}

/** Deterministic, ordered as upstream applies: write files, then process units in order, then run their commands. */
export function plan(_config: CloudConfig, _meta: MachineMeta): Plan {
  throw new Error("not implemented");
}
