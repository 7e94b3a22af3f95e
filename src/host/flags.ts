/**
 * Values given on the command line, or in a variable standing in for a
 * flag (FLEET_AGENT_TTL): one grammar each, and a UsageError naming the
 * flag when a value does not fit.
 */
import { UsageError } from "../errors/index.js";

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;

/**
 * Milliseconds from Go's duration syntax (as fleet reads it) plus days:
 * `90s`, `1h30m`, `500ms`, `1.5h`, `7d`. A plain number is refused, as Go
 * refuses it, unless `plainSeconds` (shoal's own `--timeout 90`). Must come
 * to at least a millisecond.
 */
export function parseDuration(
  text: string,
  name: string,
  { plainSeconds = false }: { plainSeconds?: boolean } = {},
): number {
  const bad = (why: string) =>
    new UsageError(`${name}: ${why}`, { hint: "write it like 90s, 2m, 1h30m, 500ms or 7d" });
  const trimmed = text.trim();
  let total: number;
  if (plainSeconds && /^(\d+(?:\.\d*)?|\.\d+)$/.test(trimmed)) total = Number(trimmed) * 1000;
  else {
    total = 0;
    let at = 0;
    while (at < trimmed.length) {
      PART.lastIndex = at;
      const m = PART.exec(trimmed);
      if (!m) throw bad(`bad duration "${text}"`);
      total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
      at = PART.lastIndex;
    }
    if (at === 0) throw bad(`bad duration "${text}"`);
  }
  const ms = Math.round(total);
  if (ms < 1) throw bad(`duration "${text}" must be at least 1ms`);
  return ms;
}

/** A whole number within [min, max]. */
export function parseCount(
  text: string,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${name}: bad value "${text}": expected a whole number ${range}`);
  }
  return n;
}
