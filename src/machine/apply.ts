import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, posix } from "node:path";
import type { MachineMeta, Plan, PlannedUnit } from "../cloudconfig/index.js";
import { toSpec } from "./init/spec.js";
import { parseUnitFile } from "./init/unit-file.js";
import { inRoot, unitDirs } from "./layout.js";

/** Writes a file the way coreos-cloudinit does: parents 0755, temp file, chmod, rename. */
export function writeMachineFile(
  root: string,
  path: string,
  content: string | Uint8Array,
  mode: number,
): string {
  const target = inRoot(root, posix.normalize(posix.join("/", path)));
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  const tmp = join(dirname(target), `.cloudinit-temp-${process.pid}-${Date.now()}`);
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, target);
  return target;
}

/**
 * The files a fresh machine image has besides its release (boot-slot.ts):
 * identity and update channel.
 */
export function writeImageFiles(root: string, meta: MachineMeta): void {
  const channel = meta.updateChannel ?? "stable";
  writeMachineFile(root, "/etc/machine-id", `${meta.machineId}\n`, 0o444);
  writeMachineFile(
    root,
    "/usr/share/coreos/update.conf",
    `GROUP=${channel}\nSERVER=${meta.updateServer ?? "https://public.update.core-os.net/v1/update/"}\n`,
    0o644,
  );
  // As the installer does: the channel the machine follows, until user-data says otherwise.
  if (!existsSync(inRoot(root, "/etc/coreos/update.conf")))
    writeMachineFile(root, "/etc/coreos/update.conf", `GROUP=${channel}\n`, 0o644);
}

export interface ApplyResult {
  /** `command:` verbs queued in order, for the init to run once everything is written. */
  commands: Array<{ unit: string; command: string }>;
  notes: string[];
}

/**
 * Applies a plan into the machine root in coreos-cloudinit's order: write_files
 * (and the environment file) first, then units with their drop-ins, masks
 * and enables; the units' commands are returned for the init to run.
 */
export function applyPlan(root: string, plan: Plan): ApplyResult {
  const notes: string[] = [];
  for (const user of plan.users)
    notes.push(
      `user ${user.name}: shoal machines have no user accounts; only its keys are written`,
    );
  for (const f of plan.files) {
    const target = writeMachineFile(root, f.path, f.content, f.mode);
    if (f.owner) {
      try {
        execFileSync("chown", [f.owner, target], { stdio: "ignore" });
      } catch {
        // An owner this machine lacks (process provider, non-root): upstream would fail; we note it.
        notes.push(`${f.path}: cannot chown to ${f.owner} on this machine; left as is`);
      }
    }
  }
  const commands: ApplyResult["commands"] = [];
  for (const unit of plan.units) {
    applyUnit(root, unit, notes);
    if (unit.command) commands.push({ unit: unit.name, command: unit.command });
  }
  return { commands, notes };
}

function applyUnit(root: string, unit: PlannedUnit, notes: string[]): void {
  const dirs = unitDirs(root);
  const dir = unit.runtime ? dirs.run : dirs.etc;
  const path = join(dir, unit.name);
  if (unit.content) writeMachineFile("/", path, unit.content, 0o644);
  for (const d of unit.dropIns) {
    if (d.name && d.content)
      writeMachineFile("/", join(dir, `${unit.name}.d`, d.name), d.content, 0o644);
  }
  if (unit.mask) {
    rmSync(path, { force: true });
    mkdirSync(dir, { recursive: true });
    symlinkSync("/dev/null", path);
  } else if (unit.runtime) {
    // Unmask: only an empty file or a /dev/null link counts as a mask to remove.
    try {
      const st = lstatSync(path);
      if ((st.isFile() && st.size === 0) || st.isSymbolicLink() || st.isCharacterDevice())
        rmSync(path);
    } catch {
      // Nothing at that path: there is no mask to remove.
    }
  }
  if (unit.enable) enableUnit(root, unit, notes);
}

/** `enable`: link the unit into each [Install] WantedBy= target's .wants directory. */
function enableUnit(root: string, unit: PlannedUnit, notes: string[]): void {
  const dirs = unitDirs(root);
  const dir = unit.runtime ? dirs.run : dirs.etc;
  let content = unit.content;
  if (!content) {
    for (const d of [dirs.etc, dirs.run]) {
      try {
        content = readFileSync(join(d, unit.name), "utf8");
        break;
      } catch {
        // Not in this directory: the unit may be in the next one.
      }
    }
  }
  if (!content) {
    notes.push(`${unit.name}: cannot enable a unit this machine does not have`);
    return;
  }
  let wantedBy: string[] = [];
  try {
    wantedBy = toSpec(unit.name, parseUnitFile(content, unit.name)).wantedBy;
  } catch (err) {
    notes.push(`${unit.name}: cannot enable: ${(err as Error).message}`);
    return;
  }
  for (const target of wantedBy) {
    const link = join(dir, `${target}.wants`, unit.name);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(join(dir, unit.name), link);
  }
}
