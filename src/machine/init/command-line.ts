/**
 * systemd's command-line and environment syntax: word splitting with
 * quotes and escapes, `$VAR`/`${VAR}` expansion, `%` specifiers, and
 * `Environment=`/`EnvironmentFile=` assignments. Pure.
 */
import { UnitFileError } from "./unit-file.js";

export interface ExecCommand {
  argv: string[];
  /** `-` prefix: a non-zero exit is not a failure. */
  ignoreFailure: boolean;
}

export interface Specifiers {
  machineId: string;
  hostname: string;
  unit: string;
}

/** Replaces %m %H %n %N %p %i %%; unknown specifiers stay as written. */
export function expandSpecifiers(text: string, s: Specifiers): string {
  const base = s.unit.replace(/\.[^.]+$/, "");
  const at = base.indexOf("@");
  const prefix = at >= 0 ? base.slice(0, at) : base;
  const instance = at >= 0 ? base.slice(at + 1) : "";
  const table: Record<string, string> = {
    m: s.machineId,
    H: s.hostname,
    n: s.unit,
    N: base,
    p: prefix,
    i: instance,
    "%": "%",
  };
  return text.replace(/%(.)/g, (m, c: string) => table[c] ?? m);
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  '"': '"',
  "'": "'",
  " ": " ",
};

interface Word {
  text: string;
  /** The word was a bare `$VAR`: its value is split on whitespace. */
  bareVar?: string;
}

/** Splits a line into words; quotes group, backslash escapes. */
export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] ?? "")) i++;
    if (i >= line.length) break;
    let text = "";
    let quoted = false;
    while (i < line.length && !/\s/.test(line[i] ?? "")) {
      const c = line[i] ?? "";
      if (c === '"' || c === "'") {
        quoted = true;
        const close = c;
        i++;
        while (i < line.length && line[i] !== close) {
          if (line[i] === "\\" && i + 1 < line.length) {
            const e = line[i + 1] ?? "";
            text += ESCAPES[e] ?? `\\${e}`;
            i += 2;
          } else text += line[i++];
        }
        if (i >= line.length) throw new UnitFileError(`unbalanced quote in: ${line}`);
        i++;
      } else if (c === "\\" && i + 1 < line.length) {
        const e = line[i + 1] ?? "";
        text += ESCAPES[e] ?? e;
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    const bare = !quoted ? /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(text)?.[1] : undefined;
    words.push(bare ? { text, bareVar: bare } : { text });
  }
  return words;
}

/** Parses an Exec*= value into argv, expanding variables from env. */
export function parseExec(value: string, env: Record<string, string>): ExecCommand {
  let line = value.trim();
  let ignoreFailure = false;
  // Prefixes: '-' ignore failure; '@', '+', '!', ':' are accepted and otherwise ignored.
  while (/^[-@+!:]/.test(line)) {
    if (line[0] === "-") ignoreFailure = true;
    line = line.slice(1);
  }
  const argv: string[] = [];
  for (const w of splitWords(line)) {
    if (w.bareVar !== undefined) {
      argv.push(...(env[w.bareVar] ?? "").split(/\s+/).filter(Boolean));
      continue;
    }
    argv.push(
      w.text
        .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, n: string) => env[n] ?? "")
        .replaceAll("$$", "$"),
    );
  }
  if (argv.length === 0) throw new UnitFileError(`empty command line: ${value}`);
  return { argv, ignoreFailure };
}

/** `Environment="A=b c" D=e` → [["A","b c"],["D","e"]]. */
export function parseEnvironment(value: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const w of splitWords(value)) {
    const eq = w.text.indexOf("=");
    if (eq > 0) out.push([w.text.slice(0, eq), w.text.slice(eq + 1)]);
  }
  return out;
}

/** An EnvironmentFile: KEY=VALUE lines, comments, optional quotes. */
export function parseEnvironmentFile(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const v = m[2] ?? "";
    const q = /^(["'])(.*)\1$/.exec(v);
    out.push([m[1], q ? (q[2] ?? "") : v]);
  }
  return out;
}
