import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { machinePaths } from "../../../machine/index.js";
import { runningPid } from "./agent.js";
import { namespaceInit } from "./pids.js";
import type { MachinePlan } from "./provider.js";

/** The environment a login inside a machine gets: its tools first on PATH, vagrant's prompt. */
export function shellEnv(
  machine: MachinePlan,
  home: string,
  path: string,
  base: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${machinePaths(machine.dir).bin}:${path}`,
    HOME: home,
    USER: "core",
    LOGNAME: "core",
    HOSTNAME: machine.name,
    PS1: `core@${machine.name} \\w $ `,
    SHOAL_MACHINE_DIR: machine.dir,
  };
}

/** The home directory of `core` inside a machine's root, created on first login. */
export function coreHome(root: string): string {
  const home = join(root, "home", "core");
  mkdirSync(home, { recursive: true });
  return home;
}

/** bash's argv for one command, or for an interactive shell when command is undefined. */
export function bashArgs(command: string | undefined): string[] {
  return command === undefined
    ? ["--norc", "--noprofile", "-i"]
    : ["--norc", "--noprofile", "-c", command];
}

/** Runs argv with the caller's stdio and resolves with its exit code (128+n when killed by signal n). */
export function runAttached(
  argv: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<number> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, args, {
      stdio: "inherit",
      env: options.env,
      cwd: options.cwd,
    });
    // The terminal's Ctrl-C belongs to the shell inside the machine, not to us.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    child.on("error", (err) => {
      process.off("SIGINT", ignore);
      reject(err);
    });
    child.on("close", (code, sig) => {
      process.off("SIGINT", ignore);
      resolve(code ?? 128 + (sig ? signalNumber(sig) : 0));
    });
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0;
}

/**
 * A shell inside a machine that has its own PID 1 (namespace, rootless):
 * nsenter joins the given namespaces of that PID 1, its root and its
 * working directory (`/`), as the machine's own login would be. 255 when
 * the machine has no PID 1 (ssh's code for "could not connect").
 */
export function enterMachine(
  machine: MachinePlan,
  namespaces: readonly string[],
  command: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const pid = runningPid(machine);
  const init = pid === undefined ? undefined : namespaceInit(pid);
  if (init === undefined) return Promise.resolve(255);
  const shell = shellEnv(
    machine,
    "/home/core",
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    {
      TERM: env.TERM ?? "dumb",
      COREOS_PRIVATE_IPV4: machine.address,
      COREOS_PUBLIC_IPV4: machine.address,
    },
  );
  return runAttached(
    [
      "nsenter",
      "--target",
      String(init),
      ...namespaces,
      "--root",
      "--wd",
      "--",
      "/bin/sh",
      "-c",
      'cd "$HOME" 2>/dev/null; exec bash "$@"',
      "sh",
      ...bashArgs(command),
    ],
    { env: shell },
  );
}
