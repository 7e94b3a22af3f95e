/** The public data types of cloudconfig (re-exported by index.ts). */

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

/** What user-data is, as coreos-cloudinit tells; "unknown" is its "Unrecognized user-data format". */
export type InputKind = "empty" | "script" | "ignition" | "cloud-config" | "unknown";

export interface MachineMeta {
  hostname: string;
  machineId: string;
  privateIpv4?: string;
  publicIpv4?: string;
  privateIpv6?: string;
  publicIpv6?: string;
  /** "stable" | "beta" | "alpha": the GROUP of the image's own update.conf. */
  updateChannel?: string;
  /** SERVER= of the image's own update.conf: the host's update server. */
  updateServer?: string;
  /** Key name -> public key, as a datasource's metadata lists them. */
  sshPublicKeys?: Record<string, string>;
}

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
