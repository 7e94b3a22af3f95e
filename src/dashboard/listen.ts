import { isIP } from "node:net";
import { UsageError } from "../errors/index.js";

export interface Listen {
  host: string;
  port: number;
}

/** The address when --listen is not given: loopback, any free port. */
export const DEFAULT_LISTEN: Listen = { host: "127.0.0.1", port: 0 };

/**
 * `--listen HOST:PORT` (`[::1]:PORT` for IPv6, a bare PORT for 127.0.0.1).
 * Loopback only: the page can halt machines, and a token in a URL is not
 * a password to show the network.
 */
export function parseListen(value: string): Listen {
  const m = /^(?:(\[[^\]]*\]|[^:]*):)?(\d{1,5})$/.exec(value.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) {
    throw new UsageError(`--listen "${value}": expected HOST:PORT, such as 127.0.0.1:8090`);
  }
  const raw = m[1] ?? DEFAULT_LISTEN.host;
  const host = raw.startsWith("[") ? raw.slice(1, -1) : raw === "localhost" ? "127.0.0.1" : raw;
  if (!isLoopback(host)) {
    throw new UsageError(
      `--listen "${value}": the dashboard serves on loopback only (127.0.0.0/8 or [::1]), not ${host || "every address"}`,
    );
  }
  return { host, port };
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}
