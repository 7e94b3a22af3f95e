import { Command, CommanderError } from "commander";
import { COMMANDS, type CommandFactory } from "./commands/index.js";
import type { IO } from "./io.js";
import { reportError } from "./report.js";
import { packageVersion } from "./version.js";

/**
 * Parses argv, runs one command and returns the exit code: 0 ok, 1 the
 * operation failed, 2 bad usage or bad input, 130 interrupted (report.ts
 * maps errors to them); bin.ts hands the code to process.exit.
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
    if (err instanceof CommanderError) {
      // Help and version "errors" are commander's way of exiting early with success;
      // for the others commander already printed the message.
      return err.exitCode === 0 ? 0 : 2;
    }
    return reportError(err, io, Boolean(program.opts().verbose));
  }
}
