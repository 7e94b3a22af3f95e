import { createHash } from "node:crypto";

/**
 * systemd unit files as fleet stores them: a list of options, serialised
 * the way go-systemd does, and hashed (SHA-1 of the serialised form, so
 * comments and spacing do not change a unit's identity).
 */

export interface UnitOption {
  section: string;
  name: string;
  value: string;
  /** 1-based line in the source file, when parsed from one. */
  line?: number;
}

export interface UnitFileProblem {
  line: number;
  message: string;
}

/** go-systemd's limit on one logical line. */
const LINE_MAX = 2048;

/** Parses unit file text; problems carry the line they were found on. */
export function parseUnitFile(text: string): {
  options: UnitOption[];
  problems: UnitFileProblem[];
} {
  const options: UnitOption[] = [];
  const problems: UnitFileProblem[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = (lines[i] as string).trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    // A trailing backslash continues the value on the next line.
    while (line.endsWith("\\") && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} ${(lines[++i] as string).trim()}`;
    }
    if (line.length > LINE_MAX) {
      problems.push({ line: lineNo, message: `line too long (max ${LINE_MAX} characters)` });
      continue;
    }
    if (line.startsWith("[")) {
      if (!line.endsWith("]") || line.length < 3) {
        problems.push({ line: lineNo, message: `unable to find end of section: ${line}` });
        continue;
      }
      section = line.slice(1, -1);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) {
      problems.push({ line: lineNo, message: `unable to parse option: ${JSON.stringify(line)}` });
      continue;
    }
    if (section === undefined) {
      problems.push({ line: lineNo, message: "found property outside of any section" });
      continue;
    }
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    options.push({ section, name, value, line: lineNo });
  }
  return { options, problems };
}

/** go-systemd's Serialize: sections in first-seen order, options in order, blank line between. */
export function serializeUnit(options: readonly UnitOption[]): string {
  const sections = new Map<string, UnitOption[]>();
  for (const o of options) {
    const list = sections.get(o.section);
    if (list) list.push(o);
    else sections.set(o.section, [o]);
  }
  return [...sections]
    .map(([name, opts]) => `[${name}]\n${opts.map((o) => `${o.name}=${o.value}\n`).join("")}`)
    .join("\n");
}

/** The SHA-1 (hex) of the serialised unit: fleet's unit hash. */
export function unitHash(options: readonly UnitOption[]): string {
  return createHash("sha1").update(serializeUnit(options)).digest("hex");
}

/** Values of one key in one section, in order. */
export function optionValues(
  options: readonly UnitOption[],
  section: string,
  name: string,
): string[] {
  return options.filter((o) => o.section === section && o.name === name).map((o) => o.value);
}
