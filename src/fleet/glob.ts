/**
 * Go's `path.Match`, which fleet uses for Conflicts and Replaces: `*` and
 * `?` never cross a `/`, `[...]` classes take ranges and a leading `^`,
 * `\` escapes. A malformed pattern matches nothing (fleet ignores the error).
 */
export function globMatch(pattern: string, name: string): boolean {
  const re = compile(pattern);
  return re ? re.test(name) : false;
}

const cache = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const re = translate(pattern);
  cache.set(pattern, re);
  return re;
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function translate(pattern: string): RegExp | null {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) return null;
      out += escapeChar(next);
    } else if (c === "[") {
      const cls = readClass(pattern, i + 1);
      if (!cls) return null;
      out += cls.regex;
      i = cls.end;
    } else out += escapeChar(c);
  }
  return new RegExp(`^${out}$`, "s");
}

/** Reads a `[...]` class starting after `[`; returns the regex and the index of `]`. */
function readClass(pattern: string, start: number): { regex: string; end: number } | null {
  let i = start;
  let negate = false;
  if (pattern[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  for (;;) {
    let c = pattern[i];
    if (c === undefined) return null;
    if (c === "]" && !first) break;
    first = false;
    if (c === "\\") c = pattern[++i];
    if (c === undefined) return null;
    const lo = c;
    i++;
    if (pattern[i] === "-" && pattern[i + 1] !== "]") {
      let hi = pattern[i + 1];
      i += 2;
      if (hi === "\\") hi = pattern[i++];
      if (hi === undefined || hi < lo) return null;
      body += `${escapeChar(lo)}-${escapeChar(hi)}`;
      continue;
    }
    body += escapeChar(lo);
  }
  // A class never matches the separator, as in Go.
  return { regex: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i };
}
