import { spawn } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { Command } from "commander";
import { loadSpec, readState } from "../../cluster/index.js";
import { DEFAULT_LISTEN, type Listen, parseListen, startDashboard } from "../../dashboard/index.js";
import { UsageError } from "../../errors/index.js";
import { which } from "../../host/index.js";
import type { IO } from "../io.js";

export function dashboardCommand(io: IO): Command {
  return new Command("dashboard")
    .description("the cluster on one live web page, on loopback, behind a token in its URL")
    .option(
      "--listen <host:port>",
      "where to serve (loopback only; default 127.0.0.1, any free port)",
      parseListen,
    )
    .option("--open", "open the page in the browser")
    .action(async (opts: { listen?: Listen; open?: boolean }) => {
      // A directory with neither spec nor state is not a cluster: the page would show shoal's defaults, not created.
      if (loadSpec(io.cwd, io.env).source === "defaults" && !readState(io.cwd)) {
        throw new UsageError(
          `${io.cwd} is not a cluster directory (no shoal.yaml, config.rb or .shoal/): run it where you ran \`shoal up\``,
        );
      }
      // A long-running server: V8's small-heap settings keep its young generation small
      // (bench/dashboard). Set here rather than on node's command line, which would cost
      // every other command node's code cache (see cli/agent-v8.ts).
      setFlagsFromString("--optimize-for-size");
      const interrupted = io.interrupts();
      const listen = opts.listen ?? DEFAULT_LISTEN;
      const dashboard = await startDashboard({
        dir: io.cwd,
        env: io.env,
        ...listen,
        assets: new URL("../dashboard/", import.meta.url),
      });
      io.stdout.write(
        `The dashboard of ${io.cwd} is at\n\n    ${dashboard.url}\n\nCtrl-C stops it.\n`,
      );
      if (opts.open) openBrowser(io, dashboard.url);
      await new Promise<void>((resolve) =>
        interrupted.addEventListener("abort", () => resolve(), { once: true }),
      );
      await dashboard.close();
      io.stdout.write("Dashboard stopped.\n");
    });
}

function openBrowser(io: IO, url: string): void {
  const opener = which("xdg-open", io.env.PATH);
  if (!opener) {
    io.stderr.write("shoal: no xdg-open on this host; open the address above yourself\n");
    return;
  }
  const child = spawn(opener, [url], { detached: true, stdio: "ignore" });
  child.on("error", () =>
    io.stderr.write(`shoal: ${opener} failed; open the address above yourself\n`),
  );
  child.unref();
}
