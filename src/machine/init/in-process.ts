/**
 * Built-in units that run as tasks of the agent instead of processes of
 * their own: one Node process per machine, not one per service. The init
 * treats such a task as a unit's main process: it ends cleanly (exit 0),
 * fails (exit 1, its error in the unit's journal) or is stopped through its
 * AbortSignal. A throw anywhere in the task, in a timer or callback it set
 * up included, fails that unit alone: an AsyncLocalStorage names the unit
 * an uncaught error came from.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { InProcessService, ServiceIO } from "../units/index.js";
import type { Proc } from "./process.js";
import type { ExitStatus } from "./restart.js";

/** The failure handler of the task whose async context is running. */
const owner = new AsyncLocalStorage<(err: unknown) => void>();
let routed = false;

/**
 * Sends an uncaught error of a task to its unit. One that belongs to no
 * task keeps Node's own outcome (the process ends with it) unless someone
 * else listens too (a test runner), who then decides.
 */
function routeUncaught(): void {
  if (routed) return;
  routed = true;
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (err: unknown) => {
      const fail = owner.getStore();
      if (fail) return fail(err);
      if (process.listenerCount(event) > 1) return;
      console.error(err);
      process.exit(1);
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

const CLEAN: ExitStatus = { code: 0, signal: null };
const FAILED: ExitStatus = { code: 1, signal: null };
const TERMINATED: ExitStatus = { code: null, signal: "SIGTERM" };
const KILLED: ExitStatus = { code: null, signal: "SIGKILL" };

/**
 * Runs `service` as a unit's main process. `abort("stop")` aborts its
 * signal and lets it finish; `abort("kill")` gives up on it at once (its
 * later errors are only journalled), as SIGKILL ends a process.
 */
export function startInProcess(service: InProcessService, io: Omit<ServiceIO, "signal">): Proc {
  routeUncaught();
  const controller = new AbortController();
  let settle: (exit: ExitStatus) => void = () => {};
  const exited = new Promise<ExitStatus>((resolve) => {
    settle = resolve;
  });
  let over = false;
  const end = (exit: ExitStatus) => {
    if (over) return;
    over = true;
    settle(exit);
  };
  const fail = (err: unknown) => {
    const stopped = controller.signal.aborted;
    // The abort's own error is how a stopped task unwinds, not a failure.
    if (!(stopped && err instanceof Error && err.name === "AbortError")) io.log(describe(err));
    end(stopped ? TERMINATED : FAILED);
  };
  owner.run(fail, () => {
    Promise.resolve()
      .then(() => service({ ...io, signal: controller.signal }))
      .then(() => end(controller.signal.aborted ? TERMINATED : CLEAN), fail);
  });
  return {
    pid: process.pid,
    exited,
    inProcess: {
      abort(how) {
        if (how === "kill") end(KILLED);
        controller.abort();
      },
    },
  };
}
