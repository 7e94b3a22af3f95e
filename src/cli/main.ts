import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { Interrupted, UpFailure } from "../cluster/index.js";
import { InputError, UsageError } from "../errors/index.js";
import { CommandError } from "../host/index.js";
import { destroyCommand } from "./commands/destroy.js";
import { discoveryCommand } from "./commands/discovery.js";
import { doctorCommand } from "./commands/doctor.js";
import { fleetctlCommand } from "./commands/fleetctl.js";
import { fleetdCommand } from "./commands/fleetd.js";
import { haltCommand } from "./commands/halt.js";
import { initCommand } from "./commands/init.js";
import { logsCommand } from "./commands/logs.js";
import { machineCommand } from "./commands/machine.js";
import { provisionCommand } from "./commands/provision.js";
import { reloadCommand } from "./commands/reload.js";
import { sshCommand } from "./commands/ssh.js";
import { statusCommand } from "./commands/status.js";
import { upCommand } from "./commands/up.js";
import { validateCommand } from "./commands/validate.js";
import type { IO } from "./io.js";

function packageVersion(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return pkg.version as string;
}

/**
 * Parses argv, runs one command and returns the exit code: 0 ok, 1 the
 * operation failed, 2 bad usage or bad input. The only place that maps
 * errors to exit codes; bin.ts alone touches `process`.
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
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("(run `shoal --help` for usage)");
  program.addCommand(doctorCommand(io, setExit));
  program.addCommand(initCommand(io));
  program.addCommand(upCommand(io));
  program.addCommand(statusCommand(io));
  program.addCommand(sshCommand(io, setExit));
  program.addCommand(logsCommand(io));
  program.addCommand(haltCommand(io));
  program.addCommand(reloadCommand(io));
  program.addCommand(provisionCommand(io));
  program.addCommand(destroyCommand(io));
  program.addCommand(discoveryCommand(io, setExit));
  program.addCommand(fleetdCommand(io, setExit));
  program.addCommand(fleetctlCommand(io, setExit));
  program.addCommand(machineCommand(io, setExit));
  program.addCommand(validateCommand(io, setExit));
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
    io.stderr.write(`shoal: ${err.message}\n(run \`shoal --help\` for usage)\n`);
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
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(`shoal: ${e.message}\n`);
  if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
  return 1;
}
