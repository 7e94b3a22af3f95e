import { globMatch } from "./glob.js";
import type { UnitOption } from "./unit-file.js";
import { expandSpecifiers } from "./unit-name.js";

/** What a unit's [X-Fleet] section asks of the machine it runs on. */
export interface Requirements {
  /** Only the first MachineID value counts. */
  machineId?: string;
  /** MachineOf: exact unit names that must already be on the machine. */
  machineOf: string[];
  /** MachineMetadata grouped by key: OR within a key, AND across keys. */
  metadata: Record<string, string[]>;
  /** Conflicts globs, each value split on whitespace. */
  conflicts: string[];
  global: boolean;
  /** Replaces globs, not split. */
  replaces: string[];
}

export const X_FLEET = "X-Fleet";

/** Deprecated spellings fleet still reads, mapped to the current key. */
const KEYS: Record<string, string> = {
  MachineID: "MachineID",
  "X-ConditionMachineID": "MachineID",
  "X-ConditionMachineBootID": "MachineBootID",
  MachineOf: "MachineOf",
  "X-ConditionMachineOf": "MachineOf",
  MachineMetadata: "MachineMetadata",
  "X-ConditionMachineMetadata": "MachineMetadata",
  Conflicts: "Conflicts",
  "X-Conflicts": "Conflicts",
  Global: "Global",
  Replaces: "Replaces",
};

const TRUE = new Set(["true", "yes", "1", "on", "t"]);

/** `"a=1" "b=2"` gives two values; a value not wrapped in quotes is one value. */
export function splitQuoted(value: string): string[] {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) return [value];
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === " " && !quoted) {
      if (current) out.push(current);
      current = "";
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Keys of the [X-Fleet] section that fleet does not know (fleetctl warns about them). */
export function unknownRequirementKeys(options: readonly UnitOption[]): UnitOption[] {
  return options.filter((o) => o.section === X_FLEET && !(o.name in KEYS));
}

export function requirementsOf(unitName: string, options: readonly UnitOption[]): Requirements {
  const values = new Map<string, string[]>();
  for (const o of options) {
    const key = o.section === X_FLEET ? KEYS[o.name] : undefined;
    if (!key) continue;
    const list = values.get(key) ?? [];
    for (const v of splitQuoted(o.value)) list.push(expandSpecifiers(v, unitName));
    values.set(key, list);
  }
  const get = (k: string) => values.get(k) ?? [];
  const metadata: Record<string, string[]> = {};
  for (const pair of get("MachineMetadata")) {
    const parts = pair.split("=");
    // Only exact key=value pairs count; fleet ignores the rest silently.
    if (parts.length !== 2 || !parts[0] || !parts[1]) continue;
    const list = metadata[parts[0]] ?? [];
    if (!list.includes(parts[1])) list.push(parts[1]);
    metadata[parts[0]] = list;
  }
  const machineId = get("MachineID")[0] ?? get("MachineBootID")[0];
  const globals = get("Global");
  return {
    ...(machineId !== undefined ? { machineId } : {}),
    machineOf: unique(get("MachineOf")),
    metadata,
    conflicts: unique(get("Conflicts").flatMap((v) => v.split(/\s+/).filter(Boolean))),
    global: globals.length > 0 && TRUE.has((globals[globals.length - 1] as string).toLowerCase()),
    replaces: unique(get("Replaces")),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The combinations fleet's API rejects, with its reasons (fleet calls
 * MachineOf "Peers"). Undefined when the requirements are acceptable.
 */
export function requirementsProblem(r: Requirements): string | undefined {
  for (const peer of r.machineOf) {
    for (const c of r.conflicts) {
      if (globMatch(c, peer))
        return `unresolvable requirements: peer "${peer}" matches conflict "${c}"`;
    }
    for (const c of r.replaces) {
      if (globMatch(c, peer))
        return `unresolvable requirements: peer "${peer}" matches replace "${c}"`;
    }
  }
  const hasTarget = r.machineId !== undefined;
  const hasPeers = r.machineOf.length > 0;
  const hasConflicts = r.conflicts.length > 0;
  const hasReplaces = r.replaces.length > 0;
  if (hasTarget && hasPeers) return "MachineID cannot be used with Peers";
  if (hasTarget && hasConflicts) return "MachineID cannot be used with Conflicts";
  if (hasTarget && r.global) return "MachineID cannot be used with Global";
  if (hasTarget && hasReplaces) return "MachineID cannot be used with Replaces";
  if (r.global && hasPeers) return "Global cannot be used with Peers";
  if (r.global && hasReplaces) return "Global cannot be used with Replaces";
  if (hasConflicts && hasReplaces) return "Conflicts cannot be used with Replaces";
  return undefined;
}

/** The [X-Fleet] key a problem is about, so a message can point at its line. */
export function problemKey(problem: string): string {
  const m = /^(MachineID|Global|Conflicts) cannot be used with (\w+)/.exec(problem);
  if (m) return m[2] === "Peers" ? "MachineOf" : (m[2] as string);
  return "MachineOf";
}
