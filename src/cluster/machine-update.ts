import { readFileSync } from "node:fs";
import { inRoot, machinePaths } from "../machine/index.js";
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

const ASK_TIMEOUT_MS = 1_000;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // absent: as the engine itself, treated as unset
  }
}

/**
 * The machine's release files and slot table in its directory, and, when
 * `running`, its update-engine's status through the control socket (as
 * `update_engine_client -status` inside it asks). The one place the host
 * reads these, so that a later source (the agent's own status) replaces
 * only this. Undefined for a machine that was never created.
 */
export async function machineUpdate(
  machine: MachinePlan,
  running: boolean,
): Promise<MachineUpdate | undefined> {
  const { callControl, NO_VERSION, readUpdateSettings, SlotDirs } = await import(
    "../update/engine/index.js"
  );
  const paths = machinePaths(machine.dir);
  const read = (path: string) => readText(inRoot(paths.root, path));
  if (read("/usr/share/coreos/release") === undefined) return undefined;
  const settings = readUpdateSettings(read);
  const report: MachineUpdate = { channel: settings.group, version: settings.version };
  try {
    report.slot = new SlotDirs(paths.slots).read(settings.version).booted === "b" ? "B" : "A";
  } catch {
    // A damaged slots.json: the slot is left out rather than guessed.
  }
  if (!running) return report;
  try {
    await callControl(
      paths.updateEngineSocket,
      { op: "status" },
      (r) => {
        if (!("state" in r)) return;
        report.updateStatus = r.state.status;
        if (r.state.newVersion !== NO_VERSION) report.newVersion = r.state.newVersion;
      },
      AbortSignal.timeout(ASK_TIMEOUT_MS),
    );
  } catch {
    // update-engine not started yet (it starts at the end of the boot) or restarting.
  }
  return report;
}
