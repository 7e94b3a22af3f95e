import { Command } from "commander";
import { progressFor, reload } from "../../cluster/index.js";
import type { IO } from "../io.js";
import { durationFlag } from "./options.js";

export function reloadCommand(io: IO): Command {
  return new Command("reload")
    .description("restart machines (halt, then up), keeping their data")
    .argument("[names...]", "only these machines")
    .option(
      "--timeout <duration>",
      "how long to wait for a healthy cluster",
      durationFlag("--timeout"),
      120_000,
    )
    .action(async (names: string[], opts: { timeout: number }) => {
      await reload(
        {
          dir: io.cwd,
          env: io.env,
          progress: progressFor(io.stdout),
          names,
          timeoutMs: opts.timeout,
          signal: io.interrupts(),
        },
        progressFor(io.stdout),
      );
    });
}
