import { existsSync, readFileSync } from "node:fs";
import { inRoot, type MachineStatus, machinePaths } from "../machine/index.js";
import type { MachinePlan } from "./providers/index.js";

/** What a machine runs and what its update-engine is doing, as the host reads them. */
export interface MachineUpdate {
  /** GROUP: the channel the machine follows (its update.conf). */
  channel: string;
  /** The release it runs (COREOS_RELEASE_VERSION). */
  version: string;
  /** The /usr slot it booted from (absent when its slot table cannot be read). */
  slot?: "A" | "B";
  /** update-engine's status (UPDATE_STATUS_*), while it answers. */
  updateStatus?: string;
  /** The update it downloaded or is getting, if any. */
  newVersion?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // absent: as the engine itself, treated as unset
  }
}

/**
 * The channel from the machine's update.conf (in its own layer, which the
 * host sees), and what it runs: from its agent's status answer while it
 * runs (the slot it booted, the release that slot holds, update-engine's
 * state), else from its slot table. The one place the host reads these.
 * Undefined for a machine that was never created.
 */
export async function machineUpdate(
  machine: MachinePlan,
  agent: MachineStatus | undefined,
): Promise<MachineUpdate | undefined> {
  const { readUpdateSettings, SlotDirs } = await import("../update/engine/index.js");
  const paths = machinePaths(machine.dir);
  const settings = readUpdateSettings((path) => readText(inRoot(paths.root, path)));
  const channel = settings.group;
  if (agent?.version && agent.slot) {
    return {
      channel,
      version: agent.version,
      slot: agent.slot === "USR-B" ? "B" : "A",
      ...(agent.updateStatus ? { updateStatus: agent.updateStatus } : {}),
      ...(agent.newVersion ? { newVersion: agent.newVersion } : {}),
    };
  }
  if (!existsSync(paths.slots)) return undefined;
  try {
    const table = new SlotDirs(paths.slots).read(settings.version);
    const slot = table.booted === "b" ? "B" : "A";
    return { channel, version: table[table.booted].version, slot };
  } catch {
    // A damaged slot table: the release files say what ran, the slot is left out.
    return { channel, version: settings.version };
  }
}
