import type { MachineRecord, UnitStateRecord } from "./registry.js";

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
