/**
 * systemd unit files: the INI syntax (sections, `Key=Value`, `\` line
 * continuation, `#`/`;` comments) and drop-in merging. Pure.
 */

/** One assignment, in file order; drop-ins append theirs after the unit's. */
export interface Assignment {
  section: string;
  key: string;
  value: string;
  /** file:line, for messages. */
  where: string;
}

export class UnitFileError extends Error {
  override name = "UnitFileError";
}

export function parseUnitFile(text: string, file: string): Assignment[] {
  const out: Assignment[] = [];
  const lines = text.split("\n");
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = (lines[i] ?? "").replace(/\r$/, "");
    // A trailing backslash joins the next line (with a space, as systemd does).
    while (line.endsWith("\\") && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} ${(lines[++i] ?? "").replace(/\r$/, "").trimStart()}`;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const where = `${file}:${start + 1}`;
    const sec = /^\[([^\]]+)\]$/.exec(trimmed);
    if (sec?.[1]) {
      section = sec[1];
      continue;
    }
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new UnitFileError(`${where}: expected Key=Value, got "${trimmed}"`);
    if (!section) throw new UnitFileError(`${where}: assignment outside of a section`);
    out.push({
      section,
      key: trimmed.slice(0, eq).trim(),
      value: trimmed.slice(eq + 1).trim(),
      where,
    });
  }
  return out;
}

/** Keys whose assignments accumulate; an empty assignment resets the list. */
const LIST_KEYS = new Set([
  "Unit.After",
  "Unit.Before",
  "Unit.Requires",
  "Unit.Wants",
  "Unit.BindsTo",
  "Unit.Requisite",
  "Unit.Conflicts",
  "Service.ExecStartPre",
  "Service.ExecStart",
  "Service.ExecStartPost",
  "Service.ExecStop",
  "Service.ExecStopPost",
  "Service.ExecReload",
  "Service.Environment",
  "Service.EnvironmentFile",
  "Install.WantedBy",
  "Install.RequiredBy",
  "Socket.ListenStream",
]);

/** Folds assignments (unit file, then drop-ins) into last-wins scalars and reset-able lists. */
export function foldAssignments(assignments: Assignment[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const a of assignments) {
    const id = `${a.section}.${a.key}`;
    if (!LIST_KEYS.has(id)) {
      map.set(id, [a.value]);
      continue;
    }
    if (a.value === "") {
      map.set(id, []);
      continue;
    }
    const list = map.get(id) ?? [];
    // Dependency lists are space-separated within one assignment.
    if (a.section === "Unit" || a.section === "Install") list.push(...a.value.split(/\s+/));
    else list.push(a.value);
    map.set(id, list);
  }
  return map;
}
