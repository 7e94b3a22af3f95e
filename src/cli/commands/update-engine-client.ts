import { Command } from "commander";
import { UsageError } from "../../errors/index.js";
import type { IO } from "../io.js";

/**
 * `shoal update_engine_client ARGS`: update_engine's client against the
 * machine in $SHOAL_MACHINE_DIR, gflags and all, so its arguments go through
 * untouched (the machine's wrapper passes them after `--`).
 */
export function updateEngineClientCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("update_engine_client")
    .description(
      "a machine's update_engine_client (status, check, watch) against its update-engine",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]", "update_engine_client's own flags")
    .action(async (args: string[]) => {
      const dir = io.env.SHOAL_MACHINE_DIR;
      if (!dir)
        throw new UsageError(
          "update_engine_client runs inside a machine: shoal ssh NAME -- update_engine_client -status",
        );
      const [{ runEngineClient }, { machinePaths }] = await Promise.all([
        import("../../update/engine/index.js"),
        import("../../machine/index.js"),
      ]);
      setExit(
        await runEngineClient(args, {
          socketPath: machinePaths(dir).updateEngineSocket,
          stdout: io.stdout,
          stderr: io.stderr,
          signal: io.interrupts(),
        }),
      );
    });
}
