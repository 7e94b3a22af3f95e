import type { LoadedUnit } from "./load.js";
import { INITIAL, type UnitStatus } from "./state.js";
import type { SupervisedUnit } from "./supervisor.js";

/** One unit as the init runs it: its loaded file, its state, its processes, its jobs. */
export interface Runtime extends SupervisedUnit {
  /** Changed only by the init's `apply` (state.ts's transition). */
  status: UnitStatus;
  /** True while a stop job runs: the main process's end is then expected. */
  stopping: boolean;
  /** Cancels the pending RestartSec= timer. */
  cancelRestart?: () => void;
  /** When its recent starts happened (the start limit). */
  starts: number[];
  /** Serializes start/stop jobs on this unit. */
  job: Promise<unknown>;
}

export function newRuntime(name: string, loaded: LoadedUnit): Runtime {
  return {
    name,
    loaded,
    status: INITIAL,
    helpers: new Set(),
    groups: new Set(),
    stopping: false,
    starts: [],
    job: Promise.resolve(),
  };
}

/** Runs `fn` once the unit's earlier jobs are over; resolves with its result. */
export function serialize<T>(rt: Runtime, fn: () => Promise<T>): Promise<T> {
  const next = rt.job.then(fn, fn);
  // The caller gets the job's own result; the queue only needs to know it is over.
  rt.job = next.catch(() => undefined);
  return next;
}

/** Something of the unit runs, or is on its way: a halt has to stop it. */
export function needsStop(rt: Runtime): boolean {
  return (
    rt.main !== undefined ||
    rt.helpers.size > 0 ||
    rt.groups.size > 0 ||
    rt.status.active === "active" ||
    rt.status.active === "activating"
  );
}
