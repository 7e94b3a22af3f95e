/** Parsing of the server's --listen flag (pure). Durations and counts: host's parseDuration, parseCount. */
import { UsageError } from "../errors/index.js";

/** "HOST:PORT", "[V6]:PORT" or ":PORT" (all interfaces). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw new UsageError(`--listen: bad listen address "${text}"`, {
      hint: "write it as HOST:PORT, e.g. 127.0.0.1:8087",
    });
  }
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}
