import { Command } from "commander";
import { logs } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function logsCommand(io: IO): Command {
  return new Command("logs")
    .description("a unit's journal in a machine, or the machine's console log without UNIT")
    .argument("<name>", "the machine")
    .argument("[unit]", "the unit, e.g. etcd2.service")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .action(async (name: string, unit: string | undefined, opts: { follow?: boolean }) => {
      const follow = Boolean(opts.follow);
      const signal = follow ? io.interrupts() : new AbortController().signal;
      await logs(io.cwd, io.env, name, unit, follow, io.stdout, signal);
    });
}
