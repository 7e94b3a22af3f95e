import type { ClusterEvent, ClusterView, FleetUnitView, MachineView } from "./types.js";

type Before = Pick<ClusterView, "machines" | "etcd" | "fleet">;

/**
 * What a person would want told between two looks at the cluster: boots,
 * halts, leader changes, units that failed, moved, were placed or went.
 * Pure: the caller stamps the time.
 */
export function changes(before: Before, after: Before, at: string): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const was = new Map(before.machines.map((m) => [m.name, m]));
  for (const m of after.machines) {
    const prev = was.get(m.name);
    if (!prev || prev.state === m.state) continue;
    out.push(machineEvent(m, prev, at));
  }
  const oldLeader = before.etcd.leaderMachine;
  const newLeader = after.etcd.leaderMachine;
  if (newLeader && newLeader !== oldLeader) {
    out.push({
      at,
      kind: "leader",
      machine: newLeader,
      text: oldLeader
        ? `etcd leader moved from ${oldLeader} to ${newLeader}`
        : `etcd leader is ${newLeader}`,
    });
  }
  const units = new Map(before.fleet.units.map((u) => [u.name, u]));
  for (const u of after.fleet.units) {
    const prev = units.get(u.name);
    units.delete(u.name);
    const e = unitEvent(u, prev, at);
    if (e) out.push(e);
  }
  if (after.fleet.reachable) {
    for (const gone of units.values())
      out.push({ at, kind: "unit-gone", unit: gone.name, text: `${gone.name} destroyed` });
  }
  return out;
}

function machineEvent(m: MachineView, prev: MachineView, at: string): ClusterEvent {
  const base = { at, machine: m.name };
  switch (m.state) {
    case "running":
      return { ...base, kind: "boot", text: `${m.name} booted (was ${prev.state})` };
    case "poweroff":
      return { ...base, kind: "halt", text: `${m.name} powered off` };
    case "aborted":
      return { ...base, kind: "abort", text: `${m.name} aborted: its agent died without halting` };
    default:
      return { ...base, kind: "destroy", text: `${m.name} destroyed` };
  }
}

function unitEvent(
  u: FleetUnitView,
  prev: FleetUnitView | undefined,
  at: string,
): ClusterEvent | undefined {
  const base = { at, unit: u.name, ...(u.machine ? { machine: u.machine } : {}) };
  if (u.active === "failed" && prev?.active !== "failed")
    return {
      ...base,
      kind: "unit-failed",
      text: `${u.name} failed on ${u.machine ?? "its machine"}`,
    };
  if (u.machine && prev?.machine && u.machine !== prev.machine)
    return {
      ...base,
      kind: "unit-moved",
      text: `${u.name} moved from ${prev.machine} to ${u.machine}`,
    };
  if (u.machine && !prev?.machine)
    return { ...base, kind: "unit-placed", text: `${u.name} placed on ${u.machine}` };
  return undefined;
}
