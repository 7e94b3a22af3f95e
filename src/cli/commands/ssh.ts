import { Command } from "commander";
import { ssh } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function sshCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("ssh")
    .description(
      "a shell inside a machine, or one command (`shoal ssh core-01 -- CMD`) with its exit code",
    )
    .argument("[name]", "the machine (needed when there are several)")
    .argument("[command...]", "a command to run instead of a shell (after --)")
    .option("-c, --command <command>", "a command to run instead of a shell")
    .action(async (name: string | undefined, rest: string[], opts: { command?: string }) => {
      const command = opts.command ?? (rest.length > 0 ? rest.join(" ") : undefined);
      setExit(await ssh(io.cwd, io.env, name, command));
    });
}
