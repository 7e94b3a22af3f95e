import { createInterface } from "node:readline";
import { Command } from "commander";
import { destroy, progressFor } from "../../cluster/index.js";
import type { IO } from "../io.js";

export function destroyCommand(io: IO): Command {
  return new Command("destroy")
    .description("remove machines and everything they hold on the host (asks for each unless -f)")
    .argument("[names...]", "only these machines")
    .option("-f, --force", "do not ask")
    .action(async (names: string[], opts: { force?: boolean }) => {
      const ask = opts.force ? undefined : asker(io);
      try {
        const { declined } = await destroy(
          io.cwd,
          io.env,
          names,
          progressFor(io.stdout),
          ask?.confirm,
        );
        for (const name of declined) {
          io.stdout.write(
            `The VM '${name}' will not be destroyed, since the confirmation\nwas declined.\n`,
          );
        }
      } finally {
        ask?.close();
      }
    });
}

/** vagrant's per-machine question, answered on stdin (only y or yes confirms). */
function asker(io: IO) {
  const rl = createInterface({ input: io.stdin });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async confirm(name: string): Promise<boolean> {
      io.stdout.write(`    ${name}: Are you sure you want to destroy the '${name}' VM? [y/N] `);
      const next = await lines.next();
      const answer = next.done ? "" : String(next.value).trim().toLowerCase();
      // A terminal echoes the answer and its newline; piped input does not.
      if (next.done || !(io.stdin as { isTTY?: boolean }).isTTY) io.stdout.write("\n");
      return answer === "y" || answer === "yes";
    },
    close: () => rl.close(),
  };
}
