import { type ApiMachine, type ApiUnit, type ApiUnitState, apiUnitHash } from "./client.js";
import { displayId, machineLegend, metadataText, type Table } from "./format.js";
import { requirementsOf } from "./requirements.js";
import { optionValues } from "./unit-file.js";

/** Rows and columns of list-machines, list-units and list-unit-files, in fleetctl's layout. */

export interface MachineRow {
  machine: string;
  ip: string | null;
  metadata: Record<string, string>;
}

export interface UnitRow {
  unit: string;
  machine: string;
  ip: string | null;
  load: string;
  active: string;
  sub: string;
  hash: string;
}

export interface UnitFileRow {
  unit: string;
  hash: string;
  dstate: string;
  state: string | null;
  /** "global", a machine ID, or null when unscheduled. */
  target: string | null;
  targetIp: string | null;
  global: boolean;
  desc: string | null;
}

export function machineRows(input: { machines: readonly ApiMachine[] }): MachineRow[] {
  return input.machines.map((m) => ({
    machine: m.id,
    ip: m.primaryIP ?? null,
    metadata: m.metadata ?? {},
  }));
}

/** One row per (unit, machine) state report, sorted by unit, then machine. */
export function unitRowsOf(
  states: readonly ApiUnitState[],
  machines: readonly ApiMachine[],
): UnitRow[] {
  const ips = ipIndex(machines);
  return [...states]
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.machineID, b.machineID))
    .map((s) => ({
      unit: s.name,
      machine: s.machineID,
      ip: ips.get(s.machineID) ?? null,
      load: s.systemdLoadState,
      active: s.systemdActiveState,
      sub: s.systemdSubState,
      hash: s.hash,
    }));
}

export function unitFileRowsOf(
  units: readonly ApiUnit[],
  machines: readonly ApiMachine[],
): UnitFileRow[] {
  const ips = ipIndex(machines);
  return [...units]
    .sort((a, b) => cmp(a.name, b.name))
    .map((u) => {
      const global = requirementsOf(u.name, u.options).global;
      return {
        unit: u.name,
        hash: apiUnitHash(u.options),
        dstate: u.desiredState,
        state: global ? null : (u.currentState ?? "inactive"),
        target: global ? "global" : (u.machineID ?? null),
        targetIp: u.machineID ? (ips.get(u.machineID) ?? null) : null,
        global,
        desc: optionValues(u.options, "Unit", "Description").pop() ?? null,
      };
    });
}

function ipIndex(machines: readonly ApiMachine[]): Map<string, string> {
  return new Map(machines.filter((m) => m.primaryIP).map((m) => [m.id, m.primaryIP as string]));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const hash = (h: string, full: boolean) => (full ? h : h.slice(0, 7));

/** `global`, the machine legend, or `-` when unscheduled. */
function targetText(r: UnitFileRow, full: boolean): string {
  if (r.target === null) return "";
  return r.target === "global" ? "global" : machineLegend(r.target, r.targetIp ?? undefined, full);
}

export const machinesTable: Table<MachineRow> = {
  fields: {
    machine: (r, full) => displayId(r.machine, full),
    ip: (r) => r.ip ?? "",
    metadata: (r) => metadataText(r.metadata),
  },
  defaults: ["machine", "ip", "metadata"],
};

export const unitsTable: Table<UnitRow> = {
  fields: {
    unit: (r) => r.unit,
    machine: (r, full) => machineLegend(r.machine, r.ip ?? undefined, full),
    load: (r) => r.load,
    active: (r) => r.active,
    sub: (r) => r.sub,
    hash: (r, full) => hash(r.hash, full),
  },
  defaults: ["unit", "machine", "active", "sub"],
};

export const unitFilesTable: Table<UnitFileRow> = {
  fields: {
    unit: (r) => r.unit,
    hash: (r, full) => hash(r.hash, full),
    dstate: (r) => r.dstate,
    state: (r) => r.state ?? "",
    target: (r, full) => targetText(r, full),
    tmachine: (r, full) => targetText(r, full),
    global: (r) => String(r.global),
    desc: (r) => r.desc ?? "",
  },
  defaults: ["unit", "hash", "dstate", "state", "target"],
};
