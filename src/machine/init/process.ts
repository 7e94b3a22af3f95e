import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { which } from "../../host/index.js";
import { inRoot } from "../layout.js";

/** A unit could not run because something it needs is not on this machine. */
export class UnitFailure extends Error {}

export interface Proc {
  /** The process's id; the agent's own for an in-process service. */
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set for an in-process service: it has no process group, it is ended and signalled through this. */
  inProcess?: { abort(how: "stop" | "kill"): void; signal(sig: NodeJS.Signals): boolean };
}

/** What finding a unit's program needs: the machine root, and how to run shoal itself. */
export interface ProgramContext {
  root: string;
  shoal: { argv: string[]; commands: string[] };
}

/** A file the machine has: its own root first, then (process provider) the host's. */
export function machineFile(root: string, path: string): string | undefined {
  const own = inRoot(root, path);
  if (existsSync(own)) return own;
  return existsSync(path) ? path : undefined;
}

/**
 * The argv to execute for a unit's command line: argv[0] found in the
 * machine (absolute) or on PATH; `shoal X` runs this shoal when it has
 * command X. Throws UnitFailure naming what is missing.
 */
export function resolveProgram(argv: string[], ctx: ProgramContext, path: string): string[] {
  const [program = "", ...args] = argv;
  const missing = () => new UnitFailure(`program ${program} not found on this machine`);
  if (program === "shoal" || program === "/usr/bin/shoal") {
    const sub = args[0];
    if (!sub || !ctx.shoal.commands.includes(sub))
      throw new UnitFailure(
        `program shoal ${sub ?? ""} not found on this machine (this shoal has no "${sub}" command)`,
      );
    return [...ctx.shoal.argv, ...args];
  }
  if (program.includes("/")) {
    const file = machineFile(ctx.root, program);
    if (file && isExecutable(file)) return [file, ...args];
    throw missing();
  }
  const found = which(program, path);
  if (!found) throw missing();
  return [found, ...args];
}

/**
 * Starts one unit process. `setpriv --pdeathsig KILL`: it gets SIGKILL when
 * the agent dies, however it dies. `detached`: its own process group, so a
 * stop reaches what it forked. Each output line goes to `onLine`.
 */
export function spawnUnitProcess(
  argv: string[],
  opts: { env: Record<string, string>; cwd: string; onLine: (line: string, pid: number) => void },
): Proc {
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", ...argv], {
    cwd: existsSync(opts.cwd) ? opts.cwd : "/",
    env: opts.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new UnitFailure(`could not start ${argv[0]}`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: 127, signal: null }));
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (l) => opts.onLine(l, pid));
  }
  return { pid, exited };
}

/** Signals a whole process group; a group already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what the signal was for.
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    // Missing or not executable: the caller says "not found on this machine".
    return false;
  }
}
