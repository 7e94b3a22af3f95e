import { Command } from "commander";
import { init } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function initCommand(io: IO): Command {
  return new Command("init")
    .description("write a commented shoal.yaml (3 machines, stable) and a user-data to start from")
    .option("--force", "replace files that already exist")
    .action((opts: { force?: boolean }) => {
      for (const path of init(io.cwd, Boolean(opts.force))) io.stdout.write(`wrote ${path}\n`);
      io.stdout.write("Run `shoal up` to bring the cluster up.\n");
    });
}
