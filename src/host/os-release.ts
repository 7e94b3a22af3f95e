import { readFileSync } from "node:fs";

/** The fields of /etc/os-release (ID, ID_LIKE, PRETTY_NAME, ...). */
export function osRelease(text = readOsRelease()): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    fields[m[1]] = (m[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

/** Debian, Ubuntu and their derivatives: where apt-get and Debian's etcd packages exist. */
export function isDebianLike(fields: Record<string, string>): boolean {
  const ids = [fields.ID, ...(fields.ID_LIKE ?? "").split(/\s+/)];
  return ids.some((id) => id === "debian" || id === "ubuntu");
}

function readOsRelease(): string {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      // try the next location
    }
  }
  return "";
}
