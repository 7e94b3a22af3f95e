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
import type { MachineMeta, Plan, PlannedUnit } from "./contract.js";
import { unitDirs } from "./init/load.js";
import { toSpec } from "./init/spec.js";
import { parseUnitFile } from "./init/unit-file.js";
import { inRoot } from "./layout.js";

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

/** The files a fresh machine image has: identity, release and update channel. */
export function writeImageFiles(root: string, meta: MachineMeta, version: string): void {
  const channel = meta.updateChannel ?? "stable";
  writeMachineFile(root, "/etc/machine-id", `${meta.machineId}\n`, 0o444);
  writeMachineFile(
    root,
    "/etc/os-release",
    [
      `NAME="Container Linux by CoreOS"`,
      "ID=coreos",
      `VERSION=${version}`,
      `VERSION_ID=${version}`,
      `BUILD_ID=shoal-${version}`,
      `PRETTY_NAME="Container Linux by CoreOS ${version} (shoal, ${channel} channel)"`,
      `COREOS_CHANNEL=${channel}`,
      `HOME_URL="https://coreos.com/"`,
      "",
    ].join("\n"),
    0o644,
  );
  writeMachineFile(
    root,
    "/usr/share/coreos/update.conf",
    `GROUP=${channel}\nSERVER=https://public.update.core-os.net/v1/update/\n`,
    0o644,
  );
  writeMachineFile(
    root,
    "/usr/share/coreos/release",
    `COREOS_RELEASE_VERSION=${version}\nCOREOS_RELEASE_BOARD=amd64-usr\n`,
    0o644,
  );
  // As the installer does: the channel the machine follows, until user-data says otherwise.
  if (!existsSync(inRoot(root, "/etc/coreos/update.conf")))
    writeMachineFile(root, "/etc/coreos/update.conf", `GROUP=${channel}\n`, 0o644);
}

/** cloud-config.md §7.4: merge COREOS_* addresses into /etc/environment. */
export function mergeEnvironment(root: string, meta: MachineMeta): void {
  const want: Record<string, string | undefined> = {
    COREOS_PRIVATE_IPV4: meta.privateIpv4,
    COREOS_PRIVATE_IPV6: meta.privateIpv6,
    COREOS_PUBLIC_IPV4: meta.publicIpv4,
    COREOS_PUBLIC_IPV6: meta.publicIpv6,
  };
  const path = inRoot(root, "/etc/environment");
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // a new file
  }
  const lines = text ? text.replace(/\n$/, "").split("\n") : [];
  const seen = new Set<string>();
  const out = lines.map((line) => {
    const key = line.split("=")[0] ?? "";
    const v = want[key];
    if (v === undefined || v === "") return line;
    seen.add(key);
    return `${key}=${v}`;
  });
  for (const key of Object.keys(want).sort()) {
    const v = want[key];
    if (v && !seen.has(key)) out.push(`${key}=${v}`);
  }
  const next = out.length ? `${out.join("\n")}\n` : "";
  if (next !== text) writeMachineFile(root, "/etc/environment", next, 0o644);
}

export interface ApplyResult {
  /** `command:` verbs queued in order, for the init to run once everything is written. */
  commands: Array<{ unit: string; command: string }>;
  notes: string[];
}

/** Applies a plan into the machine root (cloud-config.md §8.2 and §8.3), files then units. */
export function applyPlan(root: string, plan: Plan, meta: MachineMeta): ApplyResult {
  const notes: string[] = [];
  const hostname = plan.hostname || meta.hostname;
  writeMachineFile(root, "/etc/hostname", `${hostname}\n`, 0o644);
  const keys = [...(plan.sshAuthorizedKeys ?? []), ...Object.values(meta.sshPublicKeys ?? {})];
  if (keys.length) {
    const text = `${keys.map((k) => k.trim()).join("\n")}\n`;
    writeMachineFile(root, "/home/core/.ssh/authorized_keys.d/coreos-cloudinit", text, 0o600);
    writeMachineFile(root, "/home/core/.ssh/authorized_keys", text, 0o600);
  }
  for (const user of plan.users)
    notes.push(`user ${user.name}: shoal machines have no user accounts; skipped`);
  let environmentWritten = false;
  for (const f of plan.files) {
    const target = writeMachineFile(root, f.path, f.content, f.mode);
    if (posix.normalize(posix.join("/", f.path)) === "/etc/environment") environmentWritten = true;
    if (f.owner) {
      try {
        execFileSync("chown", [f.owner, target], { stdio: "ignore" });
      } catch {
        notes.push(`${f.path}: cannot chown to ${f.owner} on this machine; left as is`);
      }
    }
  }
  if (!environmentWritten) mergeEnvironment(root, meta);
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
      // nothing there
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
        // try the next one
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
