import { Command, CommanderError } from "commander";
import { InputError, Interrupted, ShoalError, UpFailure, UsageError } from "../errors/index.js";
import { CommandError } from "../host/index.js";
import { COMMANDS, type CommandFactory } from "./commands/index.js";
import type { IO } from "./io.js";
import { packageVersion } from "./version.js";

/**
 * Parses argv, runs one command and returns the exit code: 0 ok, 1 the
 * operation failed, 2 bad usage or bad input, 130 interrupted. The only
 * place that maps errors to exit codes; bin.ts hands the code to
 * process.exit.
 */
export async function main(argv: readonly string[], io: IO): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command("shoal")
    .description("A CoreOS-style cluster on one Linux host in seconds")
    .version(packageVersion(), "-V, --version")
    .option("-v, --verbose", "show stack traces of unexpected errors")
    // shoal's own options come before the command, so a command may have a --version of its
    // own (`shoal updates publish --version 1.1.0`).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("(run `shoal --help` for usage)");
  // Only the command asked for is loaded; help and unknown commands need them all, --version none.
  const wanted = argv.find((arg) => !arg.startsWith("-"));
  const versionOnly =
    wanted === undefined &&
    argv.some((a) => a === "-V" || a === "--version") &&
    !argv.some((a) => a === "-h" || a === "--help");
  const names = wanted && wanted in COMMANDS ? [wanted] : versionOnly ? [] : Object.keys(COMMANDS);
  for (const name of names)
    program.addCommand(await (COMMANDS[name] as CommandFactory)(io, setExit));
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    return reportError(err, io, Boolean(program.opts().verbose));
  }
}

function reportError(err: unknown, io: IO, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version "errors" are commander's way of exiting early with success.
    if (err.exitCode === 0) return 0;
    return 2; // commander already printed the message
  }
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
