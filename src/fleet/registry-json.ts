import type { JobRecord, MachineRecord, Snapshot, UnitStateRecord } from "./registry.js";
import type { DesiredState } from "./scheduler.js";

/** The registry's values, in upstream's JSON shapes (etcd keys written by fleet v1.0). */

/** The SHA-1 as upstream stores it: a JSON array of 20 numbers. */
export function objectJson(name: string, hash: string): string {
  return JSON.stringify({ Name: name, UnitHash: [...Buffer.from(hash, "hex")] });
}

export function hashFromJson(v: string): string {
  const o = JSON.parse(v) as { UnitHash: number[] };
  return Buffer.from(o.UnitHash).toString("hex");
}

export function machineJson(m: MachineRecord): string {
  return JSON.stringify({
    ID: m.id,
    PublicIP: m.publicIp ?? "",
    Metadata: m.metadata,
    Version: m.version,
    ...(m.hostname ? { Hostname: m.hostname } : {}),
  });
}

export function machineFromJson(v: string): MachineRecord {
  const o = JSON.parse(v) as {
    ID: string;
    PublicIP?: string;
    Hostname?: string;
    Metadata?: Record<string, string>;
    Version?: string;
  };
  return {
    id: o.ID,
    ...(o.PublicIP ? { publicIp: o.PublicIP } : {}),
    ...(o.Hostname ? { hostname: o.Hostname } : {}),
    metadata: o.Metadata ?? {},
    version: o.Version ?? "",
  };
}

export function stateJson(s: UnitStateRecord): string {
  return JSON.stringify({
    loadState: s.load,
    activeState: s.active,
    subState: s.sub,
    machineState: { ID: s.machineId },
    unitHash: s.hash,
  });
}

export function stateFromJson(unit: string, machineId: string, v: string): UnitStateRecord {
  const o = JSON.parse(v) as {
    loadState: string;
    activeState: string;
    subState: string;
    unitHash: string;
  };
  return {
    unit,
    machineId,
    load: o.loadState,
    active: o.activeState,
    sub: o.subState,
    hash: o.unitHash,
  };
}

const DESIRED = new Set(["inactive", "loaded", "launched"]);

/** A snapshot from every key under the prefix, read at one revision. */
export function parseSnapshot(revision: string, kvs: ReadonlyArray<[string, string]>): Snapshot {
  const machines: MachineRecord[] = [];
  const jobs = new Map<string, Partial<JobRecord> & { name: string }>();
  const units = new Map<string, string>();
  const states: UnitStateRecord[] = [];
  let leader: string | undefined;
  const dynamic: Array<[string, string, string]> = [];
  const job = (name: string) => {
    const j = jobs.get(name) ?? { name };
    jobs.set(name, j);
    return j;
  };
  for (const [k, v] of kvs) {
    const parts = k.split("/");
    try {
      if (parts[0] === "machines" && parts[2] === "object") machines.push(machineFromJson(v));
      else if (parts[0] === "machines" && parts[2] === "metadata" && parts.length === 4) {
        dynamic.push([parts[1] as string, parts[3] as string, v]);
      } else if (parts[0] === "job" && parts.length === 3) {
        const j = job(parts[1] as string);
        if (parts[2] === "object") j.hash = hashFromJson(v);
        else if (parts[2] === "target-state" && DESIRED.has(v)) j.desired = v as DesiredState;
        else if (parts[2] === "target") j.target = v;
        else if (parts[2] === "job-state") j.jobState = v;
        else if (parts[2] === "unplaceable") j.unplaceable = v;
      } else if (parts[0] === "unit" && parts.length === 2) {
        units.set(parts[1] as string, (JSON.parse(v) as { Raw: string }).Raw);
      } else if (parts[0] === "states" && parts.length === 3) {
        states.push(stateFromJson(parts[1] as string, parts[2] as string, v));
      } else if (k === "lease/engine-leader")
        leader = (JSON.parse(v) as { MachineID: string }).MachineID;
    } catch {
      // A value another tool wrote badly is skipped, never fatal to the reader.
    }
  }
  const complete = [...jobs.values()].filter(
    (j): j is JobRecord => j.hash !== undefined && j.desired !== undefined,
  );
  return {
    revision,
    machines: withDynamicMetadata(machines, dynamic).sort((a, b) => cmp(a.id, b.id)),
    jobs: complete.sort((a, b) => cmp(a.name, b.name)),
    units,
    states: states.sort((a, b) => cmp(a.unit, b.unit) || cmp(a.machineId, b.machineId)),
    ...(leader ? { leader } : {}),
  };
}

/** Machines with the metadata set through the API laid over their configured metadata. */
export function withDynamicMetadata(
  machines: MachineRecord[],
  dynamic: ReadonlyArray<[string, string, string]>,
): MachineRecord[] {
  for (const [id, name, value] of dynamic) {
    const m = machines.find((x) => x.id === id);
    if (!m) continue;
    if (value === "") delete m.metadata[name];
    else m.metadata[name] = value;
  }
  return machines;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
