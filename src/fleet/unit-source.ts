import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { InputError } from "../errors/index.js";
import { type FleetApi, unitText } from "./client.js";
import {
  problemKey,
  requirementsOf,
  requirementsProblem,
  unknownRequirementKeys,
  X_FLEET,
} from "./requirements.js";
import { parseUnitFile, serializeUnit, type UnitOption, unitHash } from "./unit-file.js";
import { templateOf, unitNameFromArg, unitNameProblem } from "./unit-name.js";

/** A unit ready to submit: its name, serialised body and hash. */
export interface UnitBody {
  name: string;
  text: string;
  hash: string;
  /** Where it came from, for messages: a path, or "registry". */
  source: string;
}

/**
 * fleetctl's lookup for load, start and submit: the unit in the registry,
 * a file of that name on disk, the template in the registry, the template
 * on disk. Local files are checked (syntax, name, [X-Fleet] combinations
 * upstream rejects) and a bad one is an InputError naming file, line, key.
 */
export async function findUnit(
  api: FleetApi,
  arg: string,
  cwd: string,
  warn: (line: string) => void,
): Promise<{ body: UnitBody; inRegistry: boolean }> {
  const name = unitNameFromArg(arg);
  const nameProblem = unitNameProblem(name);
  if (nameProblem)
    throw new InputError(`invalid unit name "${name}": ${nameProblem}`, { file: arg });
  const existing = await api.unit(name);
  if (existing) {
    const text = unitText(existing.options);
    return {
      body: { name, text, hash: unitHash(existing.options), source: "registry" },
      inRegistry: true,
    };
  }
  const path = localPath(arg, cwd);
  const local = await readLocal(path);
  if (local !== undefined) {
    return { body: checkedBody(name, local, relative(cwd, path), warn), inRegistry: false };
  }
  const template = templateOf(name);
  if (template) {
    const tunit = await api.unit(template);
    if (tunit) {
      const text = unitText(tunit.options);
      return { body: checkedBody(name, text, `registry ${template}`, warn), inRegistry: false };
    }
    const tpath = join(dirname(path), template);
    const tlocal = await readLocal(tpath);
    if (tlocal !== undefined)
      return { body: checkedBody(name, tlocal, tpath, warn), inRegistry: false };
  }
  throw new InputError(
    `unable to find Unit(${name})${template ? ` or template Unit(${template})` : ""} in Registry or on filesystem`,
    { file: arg },
  );
}

/** Reads a local unit file for comparison with the registry (`--replace`, differs warning). */
export async function localBody(arg: string, cwd: string): Promise<UnitBody | undefined> {
  const path = localPath(arg, cwd);
  const text = await readLocal(path);
  // Warnings about this file were printed when it was first submitted.
  return text === undefined
    ? undefined
    : checkedBody(unitNameFromArg(arg), text, relative(cwd, path), () => {});
}

/** The file an argument names: `hello` means `hello.service` next to where it points. */
function localPath(arg: string, cwd: string): string {
  const path = isAbsolute(arg) ? arg : join(cwd, arg);
  const name = unitNameFromArg(arg);
  return basename(path) === name ? path : join(dirname(path), name);
}

async function readLocal(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if ((err as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw err;
  }
}

/** Parses and checks a unit body; the instance gets the template's options. */
export function checkedBody(
  name: string,
  text: string,
  file: string,
  warn: (line: string) => void,
): UnitBody {
  const { options, problems } = parseUnitFile(text);
  const first = problems[0];
  if (first) throw new InputError(first.message, { file, line: first.line });
  for (const o of unknownRequirementKeys(options)) {
    warn(`WARNING: ${file}:${o.line}: unrecognized requirement in [X-Fleet] section: ${o.name}`);
  }
  const problem = requirementsProblem(requirementsOf(name, options));
  if (problem) {
    const key = problemKey(problem);
    const at = lineOf(options, key);
    throw new InputError(problem, {
      file,
      ...(at ? { line: at } : {}),
      key: `[${X_FLEET}] ${key}`,
    });
  }
  return { name, text: serializeUnit(options), hash: unitHash(options), source: file };
}

function lineOf(options: readonly UnitOption[], key: string): number | undefined {
  const aliases: Record<string, string[]> = {
    MachineOf: ["MachineOf", "X-ConditionMachineOf"],
    Conflicts: ["Conflicts", "X-Conflicts"],
    Global: ["Global"],
    Replaces: ["Replaces"],
  };
  const names = aliases[key] ?? [key];
  return options.find((o) => o.section === X_FLEET && names.includes(o.name))?.line;
}
