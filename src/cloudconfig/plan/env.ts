/** Go's `%v` and `%q` forms, and the env lines upstream writes from a section's `env` column. */
import type { Section } from "../schema/index.js";

type Scalar = string | number | boolean | Uint8Array | undefined;

/** `KEY=value` for every non-zero field, in declaration order (upstream's getEnvVars). */
export function envLines(section: Section, values: Record<string, unknown> | undefined): string[] {
  const lines: string[] = [];
  for (const [key, field] of Object.entries(section)) {
    const value = values?.[key] as Scalar;
    if (value === undefined || value === "" || value === false || value === 0) continue;
    lines.push(`${field.env}=${goValue(value, field.type === "float64")}`);
  }
  return lines;
}

/** The `20-cloudinit.conf` drop-in: `[Service]` and one unescaped Environment= line per value. */
export function serviceDropIn(
  section: Section,
  values: Record<string, unknown> | undefined,
): string {
  const lines = envLines(section, values);
  if (lines.length === 0) return "";
  return `[Service]\n${lines.map((l) => `Environment="${l}"\n`).join("")}`;
}

function goValue(value: Exclude<Scalar, undefined>, float: boolean): string {
  if (typeof value === "number") return float ? goFloat(value) : String(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}

/** Go's `%v` for a float64 (%g, shortest): 1800, 1.5, 1e+06, 1e-05. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v === 0) return "0";
  const [mantissa = "0", exp = "0"] = v.toExponential().split("e");
  const e = Number(exp);
  // strconv's %g with the shortest precision switches to %e at exponent < -4 or >= 6.
  if (e < -4 || e >= 6)
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return String(v);
}

/** Go's `%q` (strconv.Quote): printable characters kept, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
