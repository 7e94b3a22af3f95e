/**
 * What the fleet agent needs from the machine it runs on: install, start,
 * stop and remove units through the machine's init, read their states and
 * journal. The machine's MachineClient (src/machine) has exactly this shape.
 */
import type { UnitState } from "../machine/index.js";

/** A unit's state as the machine's init reports it. */
export type HostUnitState = UnitState;

export interface UnitHost {
  install(unit: string, content: string, opts?: { runtime?: boolean }): Promise<void>;
  remove(unit: string): Promise<void>;
  start(unit: string): Promise<void>;
  stop(unit: string): Promise<void>;
  status(): Promise<{ units: HostUnitState[] }>;
  journal(unit: string, opts: { lines?: number; follow?: boolean }): AsyncIterable<string>;
}
