import { displayId, machineLegend, metadataText, type Table } from "./format.js";
import { currentState, type MachineRecord, type Snapshot } from "./registry.js";
import { requirementsOf } from "./requirements.js";
import { optionValues, parseUnitFile } from "./unit-file.js";

/** Rows and columns of list-machines, list-units and list-unit-files (A.3). */

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

export function machineRows(snap: Pick<Snapshot, "machines">): MachineRow[] {
  return snap.machines.map((m) => ({
    machine: m.id,
    ip: m.publicIp ?? null,
    metadata: m.metadata,
  }));
}

export function unitRows(snap: Snapshot): UnitRow[] {
  const ips = ipIndex(snap.machines);
  return snap.states.map((s) => ({
    unit: s.unit,
    machine: s.machineId,
    ip: ips.get(s.machineId) ?? null,
    load: s.load,
    active: s.active,
    sub: s.sub,
    hash: s.hash,
  }));
}

export function unitFileRows(snap: Snapshot): UnitFileRow[] {
  const ips = ipIndex(snap.machines);
  return snap.jobs.map((j) => {
    const options = parseUnitFile(snap.units.get(j.hash) ?? "").options;
    const global = requirementsOf(j.name, options).global;
    const target = global ? "global" : (j.target ?? null);
    return {
      unit: j.name,
      hash: j.hash,
      dstate: j.desired,
      state: global ? null : currentState(j, snap.states),
      target,
      targetIp: j.target ? (ips.get(j.target) ?? null) : null,
      global,
      desc: optionValues(options, "Unit", "Description").pop() ?? null,
    };
  });
}

function ipIndex(machines: readonly MachineRecord[]): Map<string, string> {
  return new Map(machines.filter((m) => m.publicIp).map((m) => [m.id, m.publicIp as string]));
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
