/**
 * update_engine's status as data: the values `update_engine_client -status`
 * prints and one `next(state, event)` that moves between them.
 */

export const UPDATE_STATUSES = [
  "UPDATE_STATUS_IDLE",
  "UPDATE_STATUS_CHECKING_FOR_UPDATE",
  "UPDATE_STATUS_UPDATE_AVAILABLE",
  "UPDATE_STATUS_DOWNLOADING",
  "UPDATE_STATUS_VERIFYING",
  "UPDATE_STATUS_FINALIZING",
  "UPDATE_STATUS_UPDATED_NEED_REBOOT",
  "UPDATE_STATUS_REPORTING_ERROR_EVENT",
] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** What GetStatus returns: the five fields of update_engine's StatusUpdate. */
export interface EngineState {
  status: UpdateStatus;
  /** Seconds since the epoch of the last update check; 0 before the first. */
  lastCheckedTime: number;
  /** 0..1 while downloading. */
  progress: number;
  /** "0.0.0" when no update is known, as update_engine says. */
  newVersion: string;
  newSize: number;
}

export const NO_VERSION = "0.0.0";

export const IDLE: EngineState = {
  status: "UPDATE_STATUS_IDLE",
  lastCheckedTime: 0,
  progress: 0,
  newVersion: NO_VERSION,
  newSize: 0,
};

/** Back to IDLE with the offered update forgotten; the last check time is kept. */
function idleAgain(state: EngineState): EngineState {
  return {
    ...state,
    status: "UPDATE_STATUS_IDLE",
    progress: 0,
    newVersion: NO_VERSION,
    newSize: 0,
  };
}

export type EngineEvent =
  | { kind: "check"; at: number }
  | { kind: "noupdate" }
  | { kind: "available"; version: string; size: number }
  | { kind: "progress"; fraction: number }
  | { kind: "downloaded" }
  | { kind: "verified" }
  | { kind: "installed" }
  | { kind: "failed" }
  | { kind: "reported" }
  | { kind: "reset" };

/** The state after `event`; an event that does not fit the current status changes nothing. */
export function next(state: EngineState, event: EngineEvent): EngineState {
  const s = state.status;
  switch (event.kind) {
    case "check":
      return s === "UPDATE_STATUS_IDLE"
        ? { ...state, status: "UPDATE_STATUS_CHECKING_FOR_UPDATE", lastCheckedTime: event.at }
        : state;
    case "noupdate":
      return s === "UPDATE_STATUS_CHECKING_FOR_UPDATE"
        ? { ...state, status: "UPDATE_STATUS_IDLE" }
        : state;
    case "available":
      return s === "UPDATE_STATUS_CHECKING_FOR_UPDATE"
        ? {
            ...state,
            status: "UPDATE_STATUS_UPDATE_AVAILABLE",
            newVersion: event.version,
            newSize: event.size,
            progress: 0,
          }
        : state;
    case "progress":
      return s === "UPDATE_STATUS_UPDATE_AVAILABLE" || s === "UPDATE_STATUS_DOWNLOADING"
        ? {
            ...state,
            status: "UPDATE_STATUS_DOWNLOADING",
            progress: Math.min(1, Math.max(0, event.fraction)),
          }
        : state;
    case "downloaded":
      return s === "UPDATE_STATUS_DOWNLOADING" || s === "UPDATE_STATUS_UPDATE_AVAILABLE"
        ? { ...state, status: "UPDATE_STATUS_VERIFYING", progress: 1 }
        : state;
    case "verified":
      return s === "UPDATE_STATUS_VERIFYING"
        ? { ...state, status: "UPDATE_STATUS_FINALIZING" }
        : state;
    case "installed":
      return s === "UPDATE_STATUS_FINALIZING"
        ? { ...state, status: "UPDATE_STATUS_UPDATED_NEED_REBOOT" }
        : state;
    case "failed":
      return s === "UPDATE_STATUS_IDLE" || s === "UPDATE_STATUS_UPDATED_NEED_REBOOT"
        ? state
        : { ...state, status: "UPDATE_STATUS_REPORTING_ERROR_EVENT" };
    case "reported":
      return s === "UPDATE_STATUS_REPORTING_ERROR_EVENT" ? idleAgain(state) : state;
    case "reset":
      // ResetStatus: only from IDLE (nothing to do) and NEED_REBOOT (forget the pending update).
      return s === "UPDATE_STATUS_UPDATED_NEED_REBOOT" ? idleAgain(state) : state;
  }
}
