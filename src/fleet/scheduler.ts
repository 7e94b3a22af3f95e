import { globMatch } from "./glob.js";
import type { Requirements } from "./requirements.js";
import { isTemplate } from "./unit-name.js";

/**
 * fleet's engine decisions as a pure function: given every unit (desired
 * state, requirements, current target) and the live machines, say which
 * units to unschedule, where to place the others (least-loaded machine
 * that fits, ties by machine ID), and why a unit cannot be placed.
 */

export type DesiredState = "inactive" | "loaded" | "launched";

export interface SchedUnit {
  name: string;
  desired: DesiredState;
  requirements: Requirements;
  /** The machine the unit is scheduled on now (job/<unit>/target). */
  target?: string;
}

export interface SchedMachine {
  id: string;
  metadata: Record<string, string>;
}

export type Decision =
  | { action: "unschedule"; unit: string; machine: string; reason: string }
  | { action: "schedule"; unit: string; machine: string }
  | { action: "unplaceable"; unit: string; reason: string };

type Fit = { ok: true; replaced: string[] } | { ok: false; reason: string };

export function schedule(
  units: readonly SchedUnit[],
  machines: readonly SchedMachine[],
): Decision[] {
  const byName = new Map(units.map((u) => [u.name, u]));
  const sorted = [...units].sort((a, b) => cmp(a.name, b.name));
  const machineIds = new Set(machines.map((m) => m.id));
  // Which units each machine holds, globals included (they count for load and conflicts).
  const placed = new Map(
    machines.map((m) => [m.id, new Set(machineUnits(m, units).map((u) => u.name))]),
  );
  const where = new Map<string, string>();
  for (const [id, names] of placed) for (const n of names) where.set(n, id);
  const decisions: Decision[] = [];
  const pending: SchedUnit[] = [];

  const unschedule = (unit: string, machine: string, reason: string) => {
    placed.get(machine)?.delete(unit);
    where.delete(unit);
    decisions.push({ action: "unschedule", unit, machine, reason });
  };
  const place = (unit: string, machine: string) => {
    placed.get(machine)?.add(unit);
    where.set(unit, machine);
    decisions.push({ action: "schedule", unit, machine });
  };
  // Replaces moves the replaced unit to the least-loaded other machine, unchecked, as fleet does.
  const moveReplaced = (replaced: string[], from: string, by: string) => {
    for (const name of replaced) {
      unschedule(name, from, `replaced by ${by}`);
      const other = leastLoaded(placed).find((id) => id !== from);
      if (other) place(name, other);
      else
        decisions.push({
          action: "unplaceable",
          unit: name,
          reason: `replaced by ${by}, and no other machine`,
        });
    }
  };

  for (const u of sorted) {
    if (u.requirements.global || isTemplate(u.name)) continue;
    if (u.target === undefined) {
      if (u.desired !== "inactive") pending.push(u);
      continue;
    }
    if (u.desired === "inactive") {
      unschedule(u.name, u.target, "target state inactive");
      continue;
    }
    if (!machineIds.has(u.target)) {
      decisions.push({
        action: "unschedule",
        unit: u.name,
        machine: u.target,
        reason: `target Machine(${u.target}) went away`,
      });
      pending.push(u);
      continue;
    }
    const machine = machines.find((m) => m.id === u.target) as SchedMachine;
    const others = new Set(placed.get(machine.id));
    others.delete(u.name);
    const fit = ableToRun(u, machine, others, byName, where);
    if (!fit.ok) {
      unschedule(u.name, machine.id, fit.reason);
      pending.push(u);
    } else if (fit.replaced.length > 0) moveReplaced(fit.replaced, machine.id, u.name);
  }

  // Place until nothing more fits, so a MachineOf follower lands next to a peer placed in this pass.
  let progress = true;
  const reasons = new Map<string, string>();
  while (progress && pending.length > 0) {
    progress = false;
    for (const u of [...pending]) {
      const why: Array<[string, string]> = [];
      let chosen: { id: string; replaced: string[] } | undefined;
      for (const id of leastLoaded(placed)) {
        const machine = machines.find((m) => m.id === id) as SchedMachine;
        const fit = ableToRun(u, machine, placed.get(id) as Set<string>, byName, where);
        if (fit.ok) {
          chosen = { id, replaced: fit.replaced };
          break;
        }
        why.push([id, `${shortId(id)}: ${fit.reason}`]);
      }
      if (!chosen) {
        // By machine ID, so the reason reads the same whatever the loads were.
        const text = why
          .sort(([a], [b]) => cmp(a, b))
          .map(([, r]) => r)
          .join("; ");
        reasons.set(u.name, machines.length === 0 ? "no machines are registered" : text);
        continue;
      }
      pending.splice(pending.indexOf(u), 1);
      reasons.delete(u.name);
      place(u.name, chosen.id);
      moveReplaced(chosen.replaced, chosen.id, u.name);
      progress = true;
    }
  }
  for (const u of pending) {
    decisions.push({ action: "unplaceable", unit: u.name, reason: reasons.get(u.name) ?? "" });
  }
  return decisions;
}

/** Machine IDs by load (units held), ties broken by ID. */
function leastLoaded(placed: Map<string, Set<string>>): string[] {
  return [...placed.keys()].sort(
    (a, b) => (placed.get(a)?.size ?? 0) - (placed.get(b)?.size ?? 0) || cmp(a, b),
  );
}

/** fleet's AbleToRun, in its order: MachineID, MachineMetadata, MachineOf, Conflicts, Replaces. */
function ableToRun(
  u: SchedUnit,
  machine: SchedMachine,
  others: ReadonlySet<string>,
  byName: ReadonlyMap<string, SchedUnit>,
  where: ReadonlyMap<string, string>,
): Fit {
  const r = u.requirements;
  if (r.machineId !== undefined && !machineIdMatches(r.machineId, machine.id)) {
    return { ok: false, reason: `MachineID is ${r.machineId}` };
  }
  const meta = metadataMismatch(r.metadata, machine.metadata);
  if (meta) return { ok: false, reason: meta };
  for (const peer of r.machineOf) {
    if (others.has(peer)) continue;
    return {
      ok: false,
      reason: where.has(peer)
        ? `MachineOf ${peer}, which runs elsewhere`
        : `MachineOf ${peer}, which is not scheduled`,
    };
  }
  const replaced: string[] = [];
  for (const name of [...others].sort(cmp)) {
    if (name === u.name) continue;
    const e = byName.get(name);
    if (!e) continue;
    if (conflicts(u, e)) return { ok: false, reason: `conflicts with ${name}` };
    const uReplacesE = u.requirements.replaces.some((g) => globMatch(g, name));
    const eReplacesU = e.requirements.replaces.some((g) => globMatch(g, u.name));
    if (uReplacesE && !eReplacesU) replaced.push(name);
    if (eReplacesU && !uReplacesE) return { ok: false, reason: `replaced by ${name}` };
  }
  return { ok: true, replaced };
}

/** Conflicts are symmetric: either unit's globs matching the other's name. */
function conflicts(a: SchedUnit, b: SchedUnit): boolean {
  return (
    a.requirements.conflicts.some((g) => globMatch(g, b.name)) ||
    b.requirements.conflicts.some((g) => globMatch(g, a.name))
  );
}

export function machineIdMatches(wanted: string, id: string): boolean {
  return wanted === id || (wanted.length === 8 && id.startsWith(wanted));
}

/** Why a machine's metadata fails MachineMetadata, or undefined when it matches. */
export function metadataMismatch(
  wanted: Readonly<Record<string, string[]>>,
  has: Readonly<Record<string, string>>,
): string | undefined {
  for (const [key, values] of Object.entries(wanted).sort(([a], [b]) => cmp(a, b))) {
    const value = has[key];
    if (value === undefined || !values.includes(value)) {
      return `metadata ${key}=${value ?? "(unset)"} does not match MachineMetadata ${values.map((v) => `${key}=${v}`).join(" or ")}`;
    }
  }
  return undefined;
}

/**
 * The units a machine should hold: non-global units targeted at it and not
 * inactive, then global units whose metadata it matches and that conflict
 * with none already accepted. Both the engine and the agent use this.
 */
export function machineUnits(machine: SchedMachine, units: readonly SchedUnit[]): SchedUnit[] {
  const sorted = [...units].sort((a, b) => cmp(a.name, b.name));
  const accepted = sorted.filter(
    (u) => !u.requirements.global && u.target === machine.id && u.desired !== "inactive",
  );
  for (const g of sorted) {
    if (!g.requirements.global || g.desired === "inactive" || isTemplate(g.name)) continue;
    if (metadataMismatch(g.requirements.metadata, machine.metadata)) continue;
    if (accepted.some((a) => conflicts(a, g))) continue;
    accepted.push(g);
  }
  return accepted;
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
