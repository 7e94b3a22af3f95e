/**
 * The machine's side of its two /usr slots (USR-A, USR-B): a new machine's
 * USR-A with the base release, the slot each boot runs (upstream's GPT
 * rules, update/engine/slots.ts), `slots/active` (the link the namespace
 * launcher lays over /usr and the process provider puts on PATH), the
 * release files of the running slot, and coreos-setgoodroot.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
// Their own modules, not update/engine's index: a boot must not load the engine, tar or XML.
import { SlotDirs } from "../update/engine/io.js";
import {
  chooseBoot,
  markGood,
  newSlotTable,
  SLOT_LABEL,
  type SlotName,
} from "../update/engine/slots.js";
import { COREOS_APP_ID } from "../update/omaha/types.js";
import { releaseFiles } from "../update/release/files.js";
import { writeMachineFile } from "./apply.js";
import { machinePaths } from "./layout.js";

/** The slot a boot runs: which one, and the release it holds. */
export interface BootSlot {
  slot: SlotName;
  /** USR-A or USR-B */
  label: string;
  version: string;
  /** The slot's tree (what the machine sees as /usr). */
  dir: string;
}

/** The release files a machine reads its version from, relative to /usr. */
const RELEASE_FILES = ["lib/os-release", "share/coreos/release"] as const;

function slotDirs(machineDir: string): SlotDirs {
  return new SlotDirs(machinePaths(machineDir).slots);
}

function pointActive(machineDir: string, slot: SlotName): void {
  const link = machinePaths(machineDir).activeSlot;
  const tmp = `${link}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(slot, tmp);
  renameSync(tmp, link);
}

/**
 * The slots of a machine, made on its first boot: USR-A holds the base
 * release (`version`, its release files alone) and is good, USR-B is empty.
 */
export function ensureSlots(machineDir: string, version: string): SlotDirs {
  const slots = slotDirs(machineDir);
  if (existsSync(join(slots.dir, "slots.json"))) return slots;
  mkdirSync(slots.dir, { recursive: true });
  const tree = `${slots.path("a")}.new`;
  rmSync(tree, { recursive: true, force: true });
  for (const [path, text] of Object.entries(releaseFiles(version, COREOS_APP_ID))) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  slots.replace("a", tree);
  slots.write(newSlotTable(version));
  pointActive(machineDir, "a");
  return slots;
}

/**
 * Before a boot (the provider's start, or the agent's reboot): picks the
 * slot it runs by the GPT rules, counting a try of a slot not yet good, and
 * points `slots/active` at it. Should neither slot be bootable, the last
 * one runs again rather than none.
 */
export function beginBoot(machineDir: string, version: string): SlotName {
  const slots = ensureSlots(machineDir, version);
  const table = slots.read(version);
  const chosen = chooseBoot(table) ?? { slot: table.booted, table };
  slots.write(chosen.table);
  pointActive(machineDir, chosen.slot);
  return chosen.slot;
}

/**
 * Where the launcher lays the slot over /usr: release files in the
 * machine's own layer (an older shoal wrote them there) would hide the
 * slot's, so they go. Run only while the machine is down (the layer is
 * not mounted then).
 */
export function dropLayerReleaseFiles(machineDir: string): void {
  for (const path of RELEASE_FILES)
    rmSync(join(machinePaths(machineDir).root, "usr", path), { force: true });
}

/** The slot this boot runs, as beginBoot left it (a machine booted without one gets its slots now). */
export function bootSlot(machineDir: string, version: string): BootSlot {
  const slots = ensureSlots(machineDir, version);
  const table = slots.read(version);
  const slot = table.booted;
  if (!existsSync(machinePaths(machineDir).activeSlot)) pointActive(machineDir, slot);
  return { slot, label: SLOT_LABEL[slot], version: table[slot].version, dir: slots.path(slot) };
}

/** Whether the slot this boot runs has yet to boot good (a trial of a newly installed release). */
export function onTrial(machineDir: string, version: string): boolean {
  const table = slotDirs(machineDir).read(version);
  return !table[table.booted].successful;
}

/** coreos-setgoodroot: the slot this boot runs is good, first in line, with no tries to count. */
export function markBootGood(machineDir: string, version: string): void {
  const slots = slotDirs(machineDir);
  slots.write(markGood(slots.read(version)));
}

/**
 * The slot's release files under the machine's root, where the launcher
 * did not lay the slot over /usr (process and rootless providers); and
 * /etc/os-release linked to /usr/lib/os-release, as on CoreOS.
 */
export function installReleaseFiles(root: string, slot: BootSlot, slotMounted: boolean): void {
  if (!slotMounted) {
    for (const path of RELEASE_FILES) {
      const from = join(slot.dir, path);
      if (existsSync(from)) writeMachineFile(root, `/usr/${path}`, readFileSync(from), 0o644);
    }
  }
  const link = root === "/" ? "/etc/os-release" : join(root, "etc/os-release");
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { force: true });
  symlinkSync("../usr/lib/os-release", link);
}

/** The units of the last good boot that were not active then (a trial boot is not held to them). */
export function knownInactive(machineDir: string): Set<string> {
  try {
    const saved = JSON.parse(readFileSync(machinePaths(machineDir).goodBoot, "utf8")) as {
      inactive?: unknown;
    };
    return new Set(Array.isArray(saved.inactive) ? saved.inactive.map(String) : []);
  } catch {
    return new Set(); // no good boot recorded yet
  }
}

export function saveKnownInactive(machineDir: string, units: readonly string[]): void {
  const file = machinePaths(machineDir).goodBoot;
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ inactive: [...units].sort() })}\n`);
  renameSync(`${file}.tmp`, file);
}
