import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { unitDirs } from "../layout.js";
import type { BuiltinUnit } from "../units/index.js";
import { toSpec, type UnitSpec } from "./spec.js";
import { type Assignment, parseUnitFile } from "./unit-file.js";

export type LoadState = "loaded" | "not-found" | "masked" | "error";

export interface LoadedUnit {
  name: string;
  load: LoadState;
  spec?: UnitSpec;
  builtin?: BuiltinUnit;
  /** Why it did not load. */
  reason?: string;
  /** Where the unit file came from. */
  path?: string;
  /** Drop-in files merged into it. */
  dropIns?: string[];
}

function isMask(path: string): boolean | undefined {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return readlinkSync(path) === "/dev/null";
    if (st.isCharacterDevice()) return true;
    if (st.isFile()) return st.size === 0;
    return undefined;
  } catch {
    return undefined; // no file at that path: neither a unit nor a mask
  }
}

function dropInFiles(dirs: string[], name: string): Array<{ file: string; path: string }> {
  const byName = new Map<string, string>();
  // Later directories lose: iterate lowest precedence first and let higher ones overwrite.
  for (const dir of [...dirs].reverse()) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, `${name}.d`));
    } catch {
      continue; // no drop-in directory for this unit here
    }
    for (const e of entries) if (e.endsWith(".conf")) byName.set(e, join(dir, `${name}.d`, e));
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, path]) => ({ file, path }));
}

/** Finds a unit's file (or built-in), merges its drop-ins, and interprets it. Never throws. */
export function loadUnit(
  root: string,
  name: string,
  builtins: ReadonlyMap<string, BuiltinUnit>,
): LoadedUnit {
  const { etc, run } = unitDirs(root);
  const dirs = [etc, run];
  const template = name.replace(/@[^.]*\./, "@.");
  let text: string | undefined;
  let path: string | undefined;
  for (const candidate of template === name ? [name] : [name, template]) {
    for (const dir of dirs) {
      const p = join(dir, candidate);
      const mask = isMask(p);
      if (mask === undefined) continue;
      if (mask) return { name, load: "masked", reason: `unit ${name} is masked`, path: p };
      text = readFileSync(p, "utf8");
      path = p;
      break;
    }
    if (text !== undefined) break;
  }
  const builtin = text === undefined ? builtins.get(name) : undefined;
  if (builtin) {
    text = builtin.content;
    path = `builtin:${name}`;
  }
  const dropIns = dropInFiles(dirs, name);
  if (text === undefined) {
    const only = dropIns.length ? ` (it has drop-ins, but no unit file)` : "";
    return { name, load: "not-found", reason: `unit ${name} not found on this machine${only}` };
  }
  try {
    const assignments: Assignment[] = parseUnitFile(text, path ?? name);
    for (const d of dropIns)
      assignments.push(...parseUnitFile(readFileSync(d.path, "utf8"), d.path));
    return {
      name,
      load: "loaded",
      spec: toSpec(name, assignments),
      builtin,
      path,
      dropIns: dropIns.map((d) => d.path),
    };
  } catch (err) {
    return { name, load: "error", reason: (err as Error).message, path };
  }
}

/** Every unit with a file in the machine's unit directories. */
export function listUnitFiles(root: string): string[] {
  const names = new Set<string>();
  for (const dir of Object.values(unitDirs(root))) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue; // a unit directory the machine does not have (yet)
    }
    for (const e of entries)
      if (/\.(service|socket|target|timer|path|mount)$/.test(e)) names.add(e);
  }
  return [...names];
}

/** Units enabled into the boot targets (`<target>.wants/` links). */
export function enabledUnits(root: string): string[] {
  const names: string[] = [];
  for (const dir of [unitDirs(root).etc, unitDirs(root).run]) {
    for (const target of [
      "multi-user.target",
      "default.target",
      "sockets.target",
      "basic.target",
    ]) {
      try {
        for (const e of readdirSync(join(dir, `${target}.wants`)).sort())
          if (!names.includes(e)) names.push(e);
      } catch {
        // Nothing is enabled into this target here.
      }
    }
  }
  return names;
}
