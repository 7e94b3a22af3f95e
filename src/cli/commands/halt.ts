import { Command } from "commander";
import { halt, progressFor } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function haltCommand(io: IO): Command {
  return new Command("halt")
    .description("stop machines gracefully (their units in reverse order), forcing what hangs")
    .argument("[names...]", "only these machines")
    .action(async (names: string[]) => {
      await halt(io.cwd, io.env, names, progressFor(io.stdout));
    });
}
