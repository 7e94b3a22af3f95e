/**
 * Error classes the CLI maps to exit codes: bad input or usage is 2,
 * anything else that fails is 1. Modules throw these; only cli/main.ts
 * turns them into a process exit.
 */

/** Where in an input file something went wrong. Lines and columns count from 1. */
export interface Position {
  file: string;
  line?: number;
  column?: number;
  key?: string;
}

/** The user's input (a file, a flag value, a request) is wrong: exit code 2. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    message: string,
    readonly position?: Position,
    readonly hint?: string,
  ) {
    super(message);
  }

  /** `FILE:LINE:COL: message` when the position is known, else the message. */
  describe(): string {
    const p = this.position;
    if (!p) return this.message;
    const where = [p.file, p.line, p.line !== undefined ? p.column : undefined]
      .filter((part) => part !== undefined)
      .join(":");
    const key = p.key ? ` (key "${p.key}")` : "";
    return `${where}: ${this.message}${key}`;
  }
}

/** The command line itself is wrong: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure of `up` that names the machine and unit, with the evidence (journal lines). */
export class UpFailure extends Error {
  override name = "UpFailure";
  constructor(
    message: string,
    readonly machine?: string,
    readonly unit?: string,
    readonly evidence: string[] = [],
  ) {
    super(message);
  }
}

/** Ctrl-C during `up`. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}
