import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import type { IO } from "../io.js";

/**
 * `shoal locksmithctl ARGS`: locksmith's locksmithctl, Go flags and all, so
 * its arguments go through untouched (the machine's wrapper passes them
 * after `--`, before which shoal's own -v/-V/-h would be taken).
 */
export function locksmithctlCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("locksmithctl")
    .description("the cluster-wide reboot lock (locksmith), as a machine's locksmithctl")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]", "locksmithctl's own flags, command and arguments")
    .action(async (args: string[]) => {
      // grpc-js gives an IP endpoint as the TLS server name, and Node warns about it on
      // stderr; locksmithctl's stderr carries only locksmith's own words.
      process.noDeprecation = true;
      const { locksmithctl } = await import("../../update/locksmith/index.js");
      setExit(
        await locksmithctl(args, {
          out: (t) => io.stdout.write(t),
          err: (t) => io.stderr.write(t),
          env: io.env,
          machineId: () => machineId(io.env.SHOAL_MACHINE_DIR),
        }),
      );
    });
}

/** The machine's /etc/machine-id: under its root (machinePaths' `root`) when run for a machine directory. */
function machineId(machineDir: string | undefined): string | undefined {
  const path = machineDir ? join(machineDir, "root", "etc", "machine-id") : "/etc/machine-id";
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
