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
import { InputError, ShoalError } from "../../errors/index.js";
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

/** A line for the unit's journal: shoal's own errors as the CLI words them, others with their class. */
function describe(err: unknown): string {
  if (err instanceof InputError) return err.describe();
  if (err instanceof ShoalError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

const CLEAN: ExitStatus = { code: 0, signal: null };
const FAILED: ExitStatus = { code: 1, signal: null };
const TERMINATED: ExitStatus = { code: null, signal: "SIGTERM" };

/** Signals whose default action leaves a process running (signal(7)). */
const IGNORED_BY_DEFAULT = new Set<NodeJS.Signals>(["SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH"]);
/** Signals that pause a process: a task cannot be paused. */
const PAUSING = new Set<NodeJS.Signals>(["SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU"]);

/**
 * Runs `service` as a unit's main process. `abort("stop")` aborts its
 * signal and lets it finish; `abort("kill")` gives up on it at once (its
 * later errors are only journalled) and aborts its `killed` signal, as
 * SIGKILL ends a process; so does its failure. `signal(sig)` delivers
 * `systemctl kill -s`; false for a signal that would pause a process,
 * which a task cannot do.
 */
export function startInProcess(
  service: InProcessService,
  io: Omit<ServiceIO, "signal" | "killed" | "onSignal">,
): Proc {
  routeUncaught();
  const controller = new AbortController();
  const killer = new AbortController();
  const handlers = new Map<NodeJS.Signals, () => void>();
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
  // Killed first: a task woken by the stop signal sees it was killed, not stopped.
  const giveUp = () => {
    killer.abort();
    controller.abort();
  };
  const fail = (err: unknown) => {
    const stopped = controller.signal.aborted;
    // The abort's own error is how a stopped task unwinds, not a failure.
    if (!(stopped && err instanceof Error && err.name === "AbortError")) io.log(describe(err));
    end(stopped ? TERMINATED : FAILED);
    // A process that failed is gone: what the task still holds goes too.
    giveUp();
  };
  const kill = (signal: NodeJS.Signals) => {
    end({ code: null, signal });
    giveUp();
  };
  owner.run(fail, () => {
    Promise.resolve()
      .then(() =>
        service({
          ...io,
          signal: controller.signal,
          killed: killer.signal,
          onSignal: (sig, handler) => handlers.set(sig, handler),
        }),
      )
      .then(() => end(controller.signal.aborted ? TERMINATED : CLEAN), fail);
  });
  return {
    pid: process.pid,
    exited,
    inProcess: {
      abort(how) {
        if (how === "kill") kill("SIGKILL");
        else controller.abort();
      },
      signal(sig) {
        if (PAUSING.has(sig) && !handlers.has(sig)) return false;
        if (over) return true;
        const handler = handlers.get(sig);
        if (handler && sig !== "SIGKILL") {
          // In the task's context: a throw from the handler fails the unit, as one from a timer does.
          owner.run(fail, () => {
            try {
              handler();
            } catch (err) {
              fail(err);
            }
          });
        } else if (sig === "SIGTERM" || sig === "SIGINT") controller.abort();
        else if (!IGNORED_BY_DEFAULT.has(sig)) kill(sig);
        return true;
      },
    },
  };
}
