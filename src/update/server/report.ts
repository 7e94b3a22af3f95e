/** What the host commands print: per channel and per machine, from the store (pure over its rows). */
// version.js, not the release index: the dashboard loads this without tar.
import { compareVersions } from "../release/version.js";
import { CHANNELS, type ChannelState, type Instance } from "./store.js";

export interface ChannelRow {
  channel: string;
  release: string;
  published: string;
  base: boolean;
  paused: boolean;
  pausedReason?: string;
  /** Machines on this channel, by the version they run. */
  machines: Record<string, number>;
}

export interface MachineRow {
  name: string;
  machineId: string;
  channel: string;
  version: string;
  /** The /usr slot it booted from, "A" or "B"; "" when only the server's record is known. */
  slot: string;
  status: string;
  newVersion: string;
  /** Whether it holds locksmith's reboot lock; absent when the lock could not be read. */
  rebootLock?: boolean;
  lastError: string;
  lastCheck: string;
}

/** A cluster machine as the host sees it (`shoal status -o json`'s fields that matter here). */
export interface MachineFacts {
  name: string;
  machineId?: string;
  updateChannel?: string;
  version?: string;
  slot?: string;
  updateStatus?: string;
  newVersion?: string;
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : "");

export function channelRows(
  channels: (ChannelState | undefined)[],
  instances: Instance[],
): ChannelRow[] {
  return CHANNELS.map((name, i) => {
    const c = channels[i];
    const machines: Record<string, number> = {};
    const versions = instances.filter((m) => m.channel === name).map((m) => m.version);
    for (const v of versions.sort(compareVersions).reverse()) machines[v] = (machines[v] ?? 0) + 1;
    return {
      channel: name,
      release: c?.release.version ?? "",
      published: iso(c?.release.publishedAt ?? 0),
      base: c?.release.base ?? false,
      paused: c?.paused !== undefined,
      ...(c?.paused ? { pausedReason: c.paused.reason } : {}),
      machines,
    };
  });
}

/** Every machine that checked in with the server, as it last told the server. */
export function machineRows(instances: Instance[]): MachineRow[] {
  return instances.map((m) => ({
    name: m.alias || m.machineId,
    machineId: m.machineId,
    channel: m.channel,
    version: m.version,
    slot: "",
    status: m.status,
    newVersion: m.newVersion,
    lastError: m.lastError,
    lastCheck: iso(m.lastCheckAt),
  }));
}

/**
 * A cluster's machines: what each says now (release, slot, update-engine's
 * status), the server's record of it for what only the server knows (last
 * error, last check) or what a halted machine cannot say, and whether it
 * is among the reboot lock's `holders` (undefined: the lock is unknown).
 */
export function clusterMachineRows(
  machines: readonly MachineFacts[],
  instances: readonly Instance[],
  holders: readonly string[] | undefined,
): MachineRow[] {
  return machines.map((m) => {
    const known = instances.find((i) => m.machineId && i.machineId === m.machineId);
    return {
      name: m.name,
      machineId: m.machineId ?? "",
      channel: m.updateChannel ?? known?.channel ?? "",
      version: m.version ?? known?.version ?? "",
      slot: m.slot ?? "",
      // Only a running engine's word: a halted machine's last report may be long stale.
      status: m.updateStatus ?? "",
      newVersion: m.newVersion ?? "",
      ...(holders
        ? { rebootLock: m.machineId !== undefined && holders.includes(m.machineId) }
        : {}),
      lastError: known?.lastError ?? "",
      lastCheck: iso(known?.lastCheckAt ?? 0),
    };
  });
}

/** Columns padded with spaces; an empty cell prints as "-". */
export function columns(rows: string[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === "" ? "-" : c)));
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length))) ?? [];
  return cells
    .map((r) =>
      r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] as number) + 2))).join(""),
    )
    .map((l) => `${l}\n`)
    .join("");
}

export function renderChannels(rows: ChannelRow[]): string {
  const table = [["CHANNEL", "RELEASE", "PUBLISHED", "ROLLOUT", "MACHINES"]];
  for (const r of rows) {
    const machines = Object.entries(r.machines)
      .map(([v, n]) => `${n} on ${v}`)
      .join(", ");
    const release = r.base ? `${r.release} (base)` : r.release;
    table.push([
      r.channel,
      release,
      r.published,
      r.paused ? "paused" : "active",
      machines || "none",
    ]);
  }
  const paused = rows.filter((r) => r.paused);
  const notes = paused.map(
    (r) =>
      `\n${r.channel} is paused: ${r.pausedReason}\n  resume with: shoal updates resume ${r.channel}\n`,
  );
  return columns(table) + notes.join("");
}

export function renderMachines(rows: MachineRow[]): string {
  if (rows.length === 0) return "no machine has checked in with the update server yet\n";
  const table = [
    ["NAME", "CHANNEL", "VERSION", "SLOT", "STATUS", "NEW-VERSION", "REBOOT-LOCK", "LAST-ERROR"],
  ];
  const lock = (held: boolean | undefined) => (held === undefined ? "" : held ? "held" : "no");
  for (const r of rows)
    table.push([
      r.name,
      r.channel,
      r.version,
      r.slot,
      r.status,
      r.newVersion,
      lock(r.rebootLock),
      r.lastError,
    ]);
  return columns(table);
}
