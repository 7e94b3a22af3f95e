/**
 * The cloudconfig types the machine consumes, as contracts.md fixes them for
 * issue-3's `src/cloudconfig`. Interim: once issue-3 is merged these become
 * re-exports of `../cloudconfig/index.js`.
 */
export interface MachineMeta {
  hostname: string;
  machineId: string;
  privateIpv4?: string;
  publicIpv4?: string;
  privateIpv6?: string;
  publicIpv6?: string;
  updateChannel?: string;
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
  sshAuthorizedKeys?: string[];
}
export interface Plan {
  files: PlannedFile[];
  units: PlannedUnit[];
  users: PlannedUser[];
  /** Interim: the hostname user-data asks for (contracts.md leaves where it lives open). */
  hostname?: string;
  sshAuthorizedKeys?: string[];
}
