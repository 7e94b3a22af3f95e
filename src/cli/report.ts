import { InputError, Interrupted, ShoalError, UpFailure, UsageError } from "../errors/index.js";
import { CommandError } from "../host/index.js";
import type { IO } from "./io.js";

/**
 * Says why a command failed and returns its exit code: 2 bad usage or bad
 * input, 130 interrupted, 1 for any other failure. The one place errors
 * become exit codes (commander's own errors aside, which main handles).
 */
export function reportError(err: unknown, io: IO, verbose: boolean): number {
  if (err instanceof InputError) {
    io.stderr.write(`shoal: ${err.describe()}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    return 2;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`shoal: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    io.stderr.write("(run `shoal --help` for usage)\n");
    return 2;
  }
  if (err instanceof Interrupted) {
    io.stderr.write("shoal: interrupted; what this run started was stopped\n");
    return 130;
  }
  if (err instanceof UpFailure) {
    io.stderr.write(`shoal: ${err.message}\n`);
    if (err.evidence.length > 0) {
      const source = err.unit
        ? `last lines of ${err.unit} on ${err.machine}`
        : `last lines of ${err.machine}'s console`;
      io.stderr.write(`  ${source}:\n${err.evidence.map((l) => `  | ${l}`).join("\n")}\n`);
    }
    return 1;
  }
  if (err instanceof CommandError) {
    io.stderr.write(`shoal: ${err.message}\n`);
    const tail = err.tail();
    if (tail) io.stderr.write(`${tail.replace(/^/gm, "  | ")}\n`);
    if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
  if (err instanceof ShoalError) {
    io.stderr.write(`shoal: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  hint: ${err.hint}\n`);
    if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
  // Not raised on purpose: a bug, or a failure no module explained.
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(`shoal: ${e.message}\n`);
  if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
  return 1;
}
