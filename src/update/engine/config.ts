/**
 * update_engine's settings, re-read before every check: GROUP and SERVER
 * from /etc/coreos/update.conf, then /usr/share/coreos/update.conf, then
 * /usr/share/coreos/release; the running release from the latter.
 */
import { COREOS_APP_ID } from "../omaha/types.js";

export const UPDATE_CONF_PATHS = [
  "/etc/coreos/update.conf",
  "/usr/share/coreos/update.conf",
  "/usr/share/coreos/release",
] as const;

export const DEFAULT_SERVER = "https://public.update.core-os.net/v1/update/";

/** KEY=VALUE lines; `#` comments and blank lines skipped, one level of quotes removed. */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const value = line.slice(eq + 1).trim();
    const unquoted = /^(["'])(.*)\1$/.exec(value);
    out.set(line.slice(0, eq).trim(), unquoted ? (unquoted[2] as string) : value);
  }
  return out;
}

export interface UpdateSettings {
  group: string;
  server: string;
  version: string;
  board: string;
  appId: string;
}

/** `read(path)` gives a file's text, or undefined when it is absent. */
export function readUpdateSettings(read: (path: string) => string | undefined): UpdateSettings {
  const files = UPDATE_CONF_PATHS.map((p) => parseKeyValues(read(p) ?? ""));
  const first = (key: string) => {
    for (const f of files) {
      const v = f.get(key);
      if (v) return v;
    }
    return undefined;
  };
  return {
    group: first("GROUP") ?? "stable",
    server: first("SERVER") ?? DEFAULT_SERVER,
    version: first("COREOS_RELEASE_VERSION") ?? "0.0.0",
    board: first("COREOS_RELEASE_BOARD") ?? "amd64-usr",
    appId: first("COREOS_RELEASE_APPID") ?? COREOS_APP_ID,
  };
}
