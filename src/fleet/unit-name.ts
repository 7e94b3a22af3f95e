/**
 * Unit names as fleet accepts them (systemd's `unit_name_is_valid`, with
 * fleet's messages), templates and instances, and the `%n %N %p %i`
 * specifiers fleet expands in [X-Fleet] values.
 */

const NAME_MAX = 256;
const VALID_CHARS = /^[a-zA-Z0-9:\-_.\\@]$/;
export const UNIT_TYPES = [
  "service",
  "socket",
  "busname",
  "target",
  "snapshot",
  "device",
  "mount",
  "automount",
  "swap",
  "timer",
  "path",
  "slice",
  "scope",
] as const;
const TEMPLATE_TYPES = new Set(["path", "service", "socket", "target", "timer"]);

/** Returns upstream's reason when the name is invalid, else undefined. */
export function unitNameProblem(name: string): string | undefined {
  if (name.length === 0) return "unit name cannot be empty";
  if (name.length > NAME_MAX) return `unit name exceeds maximum length (${NAME_MAX})`;
  const dot = name.lastIndexOf(".");
  if (dot === -1) return 'unit name must contain "."';
  if (dot === name.length - 1) return 'unit name cannot end in "."';
  const suffix = name.slice(dot + 1);
  if (!(UNIT_TYPES as readonly string[]).includes(suffix)) return `invalid unit type: "${suffix}"`;
  for (const ch of name.slice(0, dot)) {
    if (!VALID_CHARS.test(ch)) return `invalid character "${ch}" in unit name`;
  }
  if (name.startsWith("@")) return 'unit name cannot start in "@"';
  const parts = unitNameParts(name);
  if (parts.instance !== undefined && !TEMPLATE_TYPES.has(parts.suffix)) {
    return `unit type "${parts.suffix}" cannot be a template or an instance`;
  }
  return undefined;
}

export interface UnitNameParts {
  /** `foo@1.service` */
  full: string;
  /** `foo@1` (%N) */
  name: string;
  /** `foo` (%p) */
  prefix: string;
  /** `1` (%i); `""` for a template `foo@.service`; undefined without `@`. */
  instance: string | undefined;
  suffix: string;
}

export function unitNameParts(full: string): UnitNameParts {
  const dot = full.lastIndexOf(".");
  const name = dot === -1 ? full : full.slice(0, dot);
  const suffix = dot === -1 ? "" : full.slice(dot + 1);
  const at = name.indexOf("@");
  if (at === -1) return { full, name, prefix: name, instance: undefined, suffix };
  return { full, name, prefix: name.slice(0, at), instance: name.slice(at + 1), suffix };
}

/** `foo@.service`: a template, which fleet never schedules itself. */
export function isTemplate(name: string): boolean {
  return unitNameParts(name).instance === "";
}

/** `foo@1.service` -> `foo@.service`; undefined for a name that is not an instance. */
export function templateOf(name: string): string | undefined {
  const p = unitNameParts(name);
  if (!p.instance) return undefined;
  return `${p.prefix}@.${p.suffix}`;
}

/** Expands fleet's specifiers in an [X-Fleet] value for this unit. */
export function expandSpecifiers(value: string, unitName: string): string {
  const p = unitNameParts(unitName);
  return value
    .replaceAll("%n", p.full)
    .replaceAll("%N", p.name)
    .replaceAll("%p", p.prefix)
    .replaceAll("%i", p.instance ?? "");
}

/**
 * What fleetctl does with a unit argument: keep the base name and add
 * `.service` when it has no recognised unit suffix.
 */
export function unitNameFromArg(arg: string): string {
  const base = arg.replace(/\/+$/, "").split("/").pop() ?? arg;
  const dot = base.lastIndexOf(".");
  const suffix = dot === -1 ? "" : base.slice(dot + 1);
  return (UNIT_TYPES as readonly string[]).includes(suffix) ? base : `${base}.service`;
}
