/**
 * Error classes the CLI maps to exit codes: bad input or usage is 2,
 * anything else that fails is 1. Modules throw these; only cli/main.ts
 * turns them into a process exit.
 */

/**
 * The base of every error shoal raises on purpose: its message is written
 * for the user, and `hint` (when set) says what to do about it. Anything
 * thrown that is not a ShoalError is a bug, shown with its stack on -v.
 */
export class ShoalError extends Error {
  override name = "ShoalError";
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Where in an input file something went wrong. Lines and columns count from 1. */
export interface Position {
  file: string;
  line?: number;
  column?: number;
  key?: string;
}

/** An input file (its path, and where known its line, column and key) is wrong: exit code 2. */
export class InputError extends ShoalError {
  override name = "InputError";
  constructor(
    message: string,
    readonly position?: Position,
    hint?: string,
  ) {
    super(message, { hint });
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

/** The command line (an argument, a flag, or a variable standing in for one) is wrong: exit code 2. */
export class UsageError extends ShoalError {
  override name = "UsageError";
}

/** A failure of `up` that names the machine and unit, with the evidence (journal lines). */
export class UpFailure extends ShoalError {
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
export class Interrupted extends ShoalError {
  override name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}
