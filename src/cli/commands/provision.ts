import { Command } from "commander";
import { progressFor, provision } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function provisionCommand(io: IO): Command {
  return new Command("provision")
    .description("re-apply changed user-data to running machines (vagrant reload --provision)")
    .argument("[names...]", "only these machines")
    .action(async (names: string[]) => {
      await provision({
        dir: io.cwd,
        env: io.env,
        progress: progressFor(io.stdout),
        names,
        signal: io.interrupts(),
      });
    });
}
