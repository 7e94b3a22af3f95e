import { statSync } from "node:fs";
import { join } from "node:path";
import { type MachineReport, status } from "../cluster/index.js";
import { health, hexId, memberStatus } from "../etcd/index.js";
import { apiMachine, apiUnitsOf, type Snapshot, unitFileRowsOf } from "../fleet/index.js";
import { machinePaths } from "../machine/index.js";
import type { EtcdView, FleetView, MachineView, MemberView } from "./types.js";

/** The host's answer alone (pid files and /proc): cheap enough to ask several times a second. */
export async function hostStates(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, MachineView["state"]>> {
  const rows = await status(dir, env, undefined, false);
  return new Map(rows.map((r) => [r.name, r.state]));
}

/** What `shoal status -o json` says, with each running machine's uptime. */
export async function machineReports(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ reports: MachineReport[]; machines: MachineView[] }> {
  const reports = await status(dir, env, undefined, true);
  const machines = reports.map((r): MachineView => {
    const view: MachineView = {
      name: r.name,
      state: r.state,
      provider: r.provider,
      address: r.address,
      ...(r.machineId ? { machineId: r.machineId } : {}),
      ...(r.updateChannel ? { updateChannel: r.updateChannel } : {}),
      ...(r.version ? { version: r.version } : {}),
      ...(r.slot ? { slot: r.slot } : {}),
      ...(r.updateStatus ? { updateStatus: r.updateStatus } : {}),
      ...(r.newVersion ? { newVersion: r.newVersion } : {}),
      ...(r.units ? { units: r.units } : {}),
    };
    if (r.state === "running") {
      const started = startedAt(join(dir, ".shoal", "machines", r.name));
      if (started !== undefined) view.startedAt = new Date(started).toISOString();
    }
    return view;
  });
  return { reports, machines };
}

/** The agent writes its pid file when it starts: the machine's boot time. */
function startedAt(machineDir: string): number | undefined {
  try {
    return statSync(machinePaths(machineDir).pid).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Each member's raft view and a timed `/health`, for the machines whose etcd answered status. */
export async function etcdView(reports: readonly MachineReport[]): Promise<EtcdView> {
  const members = await Promise.all(
    reports.flatMap((r) => {
      const etcd = r.etcd;
      if (!etcd) return [];
      return [
        (async (): Promise<MemberView> => {
          const started = performance.now();
          const ok = "value" in (await health(etcd.clientUrl));
          const healthLatencyMs = Math.round((performance.now() - started) * 10) / 10;
          const answer = await memberStatus(etcd.clientUrl);
          const s = "value" in answer ? answer.value : undefined;
          return {
            machine: r.name,
            id: etcd.memberId,
            clientUrl: etcd.clientUrl,
            healthy: ok,
            isLeader: etcd.isLeader,
            healthLatencyMs,
            ...(s
              ? {
                  raftTerm: s.raftTerm,
                  raftIndex: s.raftIndex,
                  dbSizeBytes: s.dbSize,
                  version: s.version,
                }
              : {}),
          };
        })(),
      ];
    }),
  );
  const leaders = new Set(reports.flatMap((r) => (r.etcd?.leader ? [r.etcd.leader] : [])));
  const leader = leaders.size === 1 ? [...leaders][0] : undefined;
  const leaderMachine = members.find((m) => m.isLeader)?.machine;
  return {
    members,
    ...(leader && leader !== hexId("0") ? { leader } : {}),
    ...(leaderMachine ? { leaderMachine } : {}),
  };
}

/** fleet's machines and units as list-machines and list-unit-files show them, placed by name. */
export function fleetView(snap: Snapshot | undefined): FleetView {
  if (!snap) return { reachable: false, machines: [], units: [] };
  const names = new Map(snap.machines.map((m) => [m.id, m.hostname ?? m.id]));
  return {
    reachable: true,
    machines: snap.machines.map((m) => ({
      id: m.id,
      ...(m.hostname ? { hostname: m.hostname } : {}),
      ...(m.publicIp ? { ip: m.publicIp } : {}),
      metadata: m.metadata,
    })),
    units: unitFileRowsOf(apiUnitsOf(snap), snap.machines.map(apiMachine)).map((row) => {
      const job = snap.jobs.find((j) => j.name === row.unit);
      const target = job?.target;
      const placed = snap.states.find((s) => s.unit === row.unit && s.machineId === target);
      return {
        name: row.unit,
        desired: row.dstate,
        current: row.state ?? (row.global ? "global" : "inactive"),
        ...(target ? { machine: names.get(target) ?? target } : {}),
        ...(placed ? { active: placed.active, sub: placed.sub } : {}),
        ...(row.desc ? { description: row.desc } : {}),
        ...(job?.unplaceable ? { unplaceable: job.unplaceable } : {}),
      };
    }),
  };
}
