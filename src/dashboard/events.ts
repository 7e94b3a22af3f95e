import type {
  ChannelView,
  ClusterEvent,
  ClusterView,
  FleetUnitView,
  MachineView,
} from "./types.js";

type Before = Pick<ClusterView, "machines" | "etcd" | "fleet"> &
  Partial<Pick<ClusterView, "updates">>;

/**
 * What a person would want told between two looks at the cluster: boots,
 * halts, leader changes, units that failed, moved, were placed or went,
 * releases published, installed, run or refused, rollouts paused and
 * resumed. Pure: the caller stamps the time.
 */
export function changes(before: Before, after: Before, at: string): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const was = new Map(before.machines.map((m) => [m.name, m]));
  for (const m of after.machines) {
    const prev = was.get(m.name);
    if (!prev) continue;
    if (prev.state !== m.state) out.push(machineEvent(m, prev, at));
    out.push(...updateEvents(m, prev, at));
  }
  if (before.updates && after.updates) {
    const channels = new Map(before.updates.channels.map((c) => [c.name, c]));
    for (const c of after.updates.channels) {
      const prev = channels.get(c.name);
      if (prev) out.push(...rolloutEvents(c, prev, at));
    }
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

const NEED_REBOOT = "UPDATE_STATUS_UPDATED_NEED_REBOOT";

/** A machine's release changes: installed (needs a reboot), running a new one, an update refused. */
function updateEvents(m: MachineView, prev: MachineView, at: string): ClusterEvent[] {
  const base = { at, kind: "update" as const, machine: m.name };
  const out: ClusterEvent[] = [];
  if (m.updateStatus === NEED_REBOOT && prev.updateStatus && prev.updateStatus !== NEED_REBOOT)
    out.push({
      ...base,
      text: `${m.name} installed ${m.newVersion ?? "an update"}; it needs a reboot`,
    });
  if (m.version && prev.version && m.version !== prev.version)
    out.push({ ...base, text: `${m.name} runs ${m.version} (was ${prev.version})` });
  if (m.updateError && m.updateError !== prev.updateError)
    out.push({ ...base, kind: "update-failed", text: `${m.name}: ${m.updateError}` });
  return out;
}

/** A channel's release published, its rollout paused by a failure or resumed. */
function rolloutEvents(c: ChannelView, prev: ChannelView, at: string): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (c.release && c.release !== prev.release && !c.base)
    out.push({ at, kind: "release", text: `${c.release} published to ${c.name}` });
  if (c.paused && !prev.paused)
    out.push({
      at,
      kind: "rollout-paused",
      text: `${c.name}'s rollout of ${c.release} paused: ${c.paused}`,
    });
  if (!c.paused && prev.paused && c.release === prev.release)
    out.push({ at, kind: "rollout-resumed", text: `${c.name}'s rollout of ${c.release} resumed` });
  return out;
}
