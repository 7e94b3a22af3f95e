import type { JobRecord, MachineRecord, Snapshot } from "./registry.js";
import { requirementsOf } from "./requirements.js";
import type { SchedMachine, SchedUnit } from "./scheduler.js";
import { parseUnitFile } from "./unit-file.js";

/**
 * Turns a registry snapshot into the scheduler's input. Parsed
 * requirements are cached by (name, hash): unit bodies never change
 * under a hash, so a pass over 500 units parses only what is new.
 */
export class ClusterView {
  private readonly cache = new Map<string, SchedUnit["requirements"]>();

  units(snap: Snapshot): SchedUnit[] {
    const seen = new Set<string>();
    const out: SchedUnit[] = [];
    for (const j of snap.jobs) {
      const text = snap.units.get(j.hash);
      if (text === undefined) continue;
      const cacheKey = `${j.name}\0${j.hash}`;
      seen.add(cacheKey);
      let requirements = this.cache.get(cacheKey);
      if (!requirements) {
        requirements = requirementsOf(j.name, parseUnitFile(text).options);
        this.cache.set(cacheKey, requirements);
      }
      out.push(schedUnit(j, requirements));
    }
    for (const k of this.cache.keys()) if (!seen.has(k)) this.cache.delete(k);
    return out;
  }
}

function schedUnit(j: JobRecord, requirements: SchedUnit["requirements"]): SchedUnit {
  return {
    name: j.name,
    desired: j.desired,
    requirements,
    ...(j.target ? { target: j.target } : {}),
  };
}

export function schedMachines(machines: readonly MachineRecord[]): SchedMachine[] {
  return machines.map((m) => ({ id: m.id, metadata: m.metadata }));
}
