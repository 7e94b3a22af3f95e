/** What the host commands print: per channel and per machine, from the store (pure over its rows). */
import { compareVersions } from "../release/index.js";
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
  status: string;
  newVersion: string;
  lastError: string;
  lastCheck: string;
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

export function machineRows(instances: Instance[]): MachineRow[] {
  return instances.map((m) => ({
    name: m.alias || m.machineId,
    machineId: m.machineId,
    channel: m.channel,
    version: m.version,
    status: m.status,
    newVersion: m.newVersion,
    lastError: m.lastError,
    lastCheck: iso(m.lastCheckAt),
  }));
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
  const table = [["NAME", "CHANNEL", "VERSION", "STATUS", "NEW-VERSION", "LAST-ERROR"]];
  for (const r of rows)
    table.push([r.name, r.channel, r.version, r.status, r.newVersion, r.lastError]);
  return columns(table);
}
