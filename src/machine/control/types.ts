import type { LoadState } from "../init/load.js";
import type { ActiveState } from "../init/state.js";

/** One unit as the machine's init reports it, to the host and to fleet (systemctl's columns). */
export interface UnitState {
  name: string;
  load: LoadState;
  active: ActiveState;
  sub: string;
  description?: string;
  reason?: string;
  mainPid?: number;
}

export type BootState = "booting" | "running" | "failed" | "halting";

export interface MachineStatus {
  hostname: string;
  machineId: string;
  boot: BootState;
  /** Why the boot failed, when it did. */
  reason?: string;
  /** The release this boot runs (the version its /usr slot holds). */
  version?: string;
  /** The /usr slot this boot runs: USR-A or USR-B. */
  slot?: string;
  /** update-engine's current operation (UPDATE_STATUS_*), while update-engine.service runs. */
  updateStatus?: string;
  /** The version update-engine downloaded or is getting, if any. */
  newVersion?: string;
  /** The agent's pid and every unit process it runs (so the host can tell nothing is orphaned). */
  pid: number;
  pids: number[];
  units: UnitState[];
}

/** What a service inside the agent (fleet) does with the machine's units. */
export interface UnitControl {
  status(): Promise<MachineStatus>;
  start(unit: string): Promise<void>;
  stop(unit: string): Promise<void>;
  /** Writes a unit file (fleet uses this); runtime puts it under /run. */
  install(unit: string, content: string, opts?: { runtime?: boolean }): Promise<void>;
  remove(unit: string): Promise<void>;
}

export interface MachineClient extends UnitControl {
  restart(unit: string): Promise<void>;
  /** `systemctl kill -s SIGNAL`: the signal to the unit's processes (or its in-process task). */
  kill(unit: string, signal: NodeJS.Signals): Promise<void>;
  journal(unit: string, opts: { lines?: number; follow?: boolean }): AsyncIterable<string>;
  /** Re-reads user-data and applies it (shoal provision). */
  reprovision(): Promise<void>;
  /** Stops units in reverse order, then the agent exits. */
  halt(): Promise<void>;
  /** Stops units in reverse order, then the machine boots again. */
  reboot(): Promise<void>;
  close(): void;
}
