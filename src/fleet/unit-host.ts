/**
 * What the fleet agent needs from the machine it runs on: install, start,
 * stop and remove units through the machine's init, and read their states.
 * The machine's UnitControl (src/machine: the agent's own, for fleet.service
 * inside it) and its socket client both have this shape.
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
}
