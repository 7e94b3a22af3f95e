/**
 * fstab(5) text for a machine's root, mounted by its boot script in a
 * single `mount -a -T FILE`: one process instead of one per mount, on a
 * host where each exec costs tens of milliseconds while machines boot
 * side by side.
 */

/** One line: what is mounted, where, its type, and its options. */
export type FstabEntry = readonly [spec: string, file: string, type: string, options: string];

export function renderFstab(entries: readonly FstabEntry[]): string {
  return entries.map((fields) => `${fields.map(fstabField).join(" ")} 0 0\n`).join("");
}

/** fstab(5)'s escapes: a field cannot hold a blank, a newline or a backslash as such. */
export function fstabField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}
