import { Command, Option } from "commander";
import { renderStatus, status } from "../../cluster/index.js";
import { type IO, type OutputFormat, writeJson } from "../io.js";

export function statusCommand(io: IO): Command {
  return new Command("status")
    .description("each machine's state, as `vagrant status` prints it")
    .argument("[name]", "one machine")
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["table", "json"])
        .default("table"),
    )
    .action(async (name: string | undefined, opts: { output: OutputFormat }) => {
      const json = opts.output === "json";
      const rows = await status(io.cwd, io.env, name ? [name] : undefined, json);
      if (json) writeJson(io, rows);
      else io.stdout.write(renderStatus(rows));
    });
}
