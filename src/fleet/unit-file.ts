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

/** go-systemd's limit on one line (systemd's LINE_MAX). */
const LINE_MAX = 2048;

/**
 * Parses unit file text as go-systemd's Deserialize does, which is what
 * fleet hashes and serves: text before the first section is skipped, `#`
 * and `;` start comments, a value ending in a backslash continues on the
 * next line and keeps the backslash, the newline and the next line as they
 * are (so `cat` shows the continuation and the hash matches real fleet); a
 * blank line ends a continued value. Stops at the first problem, as
 * go-systemd does, and says on which line.
 */
export function parseUnitFile(text: string): {
  options: UnitOption[];
  problems: UnitFileProblem[];
} {
  const lx = new Lexer(text);
  try {
    return { options: lx.lex(), problems: [] };
  } catch (err) {
    if (!(err instanceof LexError)) throw err;
    return { options: lx.options, problems: [{ line: err.line, message: err.message }] };
  }
}

class LexError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

class Lexer {
  readonly options: UnitOption[] = [];
  private at = 0;
  /** Line counting moves forward only, from the last position asked about. */
  private counted = 0;
  private lines = 1;

  constructor(private readonly text: string) {}

  private get line(): number {
    for (; this.counted < this.at && this.counted < this.text.length; this.counted++) {
      if (this.text[this.counted] === "\n") this.lines++;
    }
    return this.lines;
  }

  lex(): UnitOption[] {
    this.checkLength();
    // Before the first section: skip everything up to a `[`, and comment lines whole.
    while (this.at < this.text.length) {
      const ch = this.text[this.at++] as string;
      if (ch === "[") return this.sections();
      if (ch === "#" || ch === ";") this.skipComment();
    }
    return this.options;
  }

  private checkLength(): void {
    const next = this.text.indexOf("\n", this.at);
    const end = next === -1 ? this.text.length : next;
    if (end - this.at >= LINE_MAX) throw new LexError("line too long", this.line);
  }

  /** The rest of the line, without its newline (and a trailing \r); eof when none followed. */
  private toEol(): { line: string; eof: boolean } {
    const next = this.text.indexOf("\n", this.at);
    const end = next === -1 ? this.text.length : next;
    const line = this.text.slice(this.at, end).replace(/\r$/, "");
    this.at = next === -1 ? this.text.length : next + 1;
    return { line, eof: next === -1 };
  }

  private skipComment(): void {
    for (;;) {
      const { line, eof } = this.toEol();
      // go-systemd trims one trailing space before looking for the continuation.
      if (!(line.endsWith(" ") ? line.slice(0, -1) : line).endsWith("\\") || eof) return;
    }
  }

  /** Called just after a `[`. */
  private sections(): UnitOption[] {
    let section = this.sectionName();
    for (;;) {
      this.checkLength();
      if (this.at >= this.text.length) return this.options;
      const ch = this.text[this.at] as string;
      if (/\s/.test(ch)) {
        this.at++;
      } else if (ch === "[") {
        this.at++;
        section = this.sectionName();
      } else if (ch === "#" || ch === ";") {
        this.at++;
        this.skipComment();
      } else this.option(section);
    }
  }

  private sectionName(): string {
    const line = this.line;
    const close = this.text.indexOf("]", this.at);
    if (close === -1) throw new LexError("unable to find end of section", line);
    const name = this.text.slice(this.at, close);
    this.at = close + 1;
    const garbage = this.toEol().line.trim();
    if (garbage) throw new LexError(`found garbage after section name ${name}: ${garbage}`, line);
    return name;
  }

  private option(section: string): void {
    const line = this.line;
    const eq = this.text.indexOf("=", this.at);
    const nl = this.text.slice(this.at).search(/[\r\n]/);
    if (eq === -1 || (nl !== -1 && this.at + nl < eq)) {
      if (eq === -1 && nl === -1) throw new LexError("unexpected end of file in option name", line);
      throw new LexError("unexpected newline encountered while parsing option name", line);
    }
    const name = this.text.slice(this.at, eq).trim();
    this.at = eq + 1;
    let value = "";
    for (;;) {
      const { line: text, eof } = this.toEol();
      if (text.trim() === "") break;
      value += text;
      // A backslash at the very end continues the value on the next line.
      if (!text.endsWith("\\")) break;
      if (!eof) value += "\n";
    }
    value = value.endsWith("\n") ? `${value.trim()}\n` : value.trim();
    this.options.push({ section, name, value, line });
  }
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
