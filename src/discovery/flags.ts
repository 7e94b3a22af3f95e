/** Parsing of the server's flag values (pure): durations and HOST:PORT. */
import { InputError } from "../errors/index.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "7d", "12h", "1h30m", "90s", "500ms" -> milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const joined = parts.map((p) => p[0]).join("");
  if (parts.length === 0 || joined !== text) {
    throw new InputError(
      `bad duration "${text}"`,
      { file: flag },
      "write it like 7d, 12h, 1h30m or 90s",
    );
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] as string] as number), 0);
  if (ms <= 0) throw new InputError(`duration "${text}" must be more than zero`, { file: flag });
  return Math.round(ms);
}

/** "HOST:PORT", "[V6]:PORT" or ":PORT" (all interfaces). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw new InputError(
      `bad listen address "${text}"`,
      { file: "--listen" },
      "write it as HOST:PORT, e.g. 127.0.0.1:8087",
    );
  }
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

/** A whole number within [min, max]. */
export function parseCount(
  text: string,
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new InputError(`bad value "${text}": expected a whole number from ${min} to ${max}`, {
      file: flag,
    });
  }
  return n;
}
