/**
 * What a payload may contain (pure): files, directories and links laid over
 * /usr, every path and every link target staying inside /usr. Each check
 * returns the reason an entry is refused, or undefined.
 */
import { posix } from "node:path";

export type EntryKind = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface PayloadEntry {
  /** As stored in the archive (or relative to the published directory). */
  path: string;
  kind: EntryKind;
  /** A link's target, as stored. */
  linkpath?: string;
  /** What the archive calls it, for messages about refused kinds. */
  typeName?: string;
}

/** "/usr/<path>" or undefined when the entry's path leaves /usr. */
function underUsr(path: string): string | undefined {
  if (path.startsWith("/")) return undefined;
  const full = posix.normalize(posix.join("/usr", path));
  return full === "/usr" || full.startsWith("/usr/") ? full : undefined;
}

export function checkEntry(e: PayloadEntry): string | undefined {
  if (e.path === "" || e.path.includes("\0")) return "has an empty or invalid path";
  if (e.path.startsWith("/")) return "is an absolute path; payload paths are relative to /usr";
  const full = underUsr(e.path);
  if (!full) return "escapes /usr";
  if (e.kind === "other")
    return `is a ${e.typeName ?? "special file"}; only files, directories and links are allowed`;
  if (e.kind === "symlink") {
    const target = e.linkpath ?? "";
    if (target === "") return "is a symlink with no target";
    const resolved = target.startsWith("/")
      ? posix.normalize(target)
      : posix.normalize(posix.join(posix.dirname(full), target));
    if (resolved !== "/usr" && !resolved.startsWith("/usr/"))
      return `is a symlink to ${target}, outside /usr`;
  }
  if (e.kind === "hardlink") {
    const target = e.linkpath ?? "";
    if (!target || !underUsr(target))
      return `is a hard link to ${target || "nothing"}, outside /usr`;
  }
  return undefined;
}
