export { formatStatus, formatStatusUpdate, glogLine } from "./client.js";
export { type ClientIO, parseClientFlags, runEngineClient } from "./client-run.js";
export {
  DEFAULT_SERVER,
  parseKeyValues,
  readUpdateSettings,
  UPDATE_CONF_PATHS,
  type UpdateSettings,
} from "./config.js";
export { type ControlReply, type ControlRequest, callControl } from "./control.js";
export { type EngineDaemon, startEngineDaemon } from "./daemon.js";
export {
  type CheckResult,
  type EngineDeps,
  PREF_PREVIOUS_VERSION,
  PREF_UPDATE_COMPLETED,
  UpdateEngine,
} from "./engine.js";
export { followStatus, type StatusFollower } from "./follow.js";
export { type Http, nodeHttp, Prefs, SlotDirs } from "./io.js";
export {
  firstCheck,
  fuzz,
  INITIAL_INTERVAL_S,
  type LastCheck,
  MAX_BACKOFF_S,
  nextCheck,
  PERIODIC_INTERVAL_S,
  REGULAR_FUZZ_S,
  type Scheduled,
} from "./schedule.js";
export { type Checker, CheckScheduler } from "./scheduler.js";
export {
  chooseBoot,
  markGood,
  markInstalled,
  newSlotTable,
  other,
  rebootOutcome,
  SLOT_LABEL,
  type SlotInfo,
  type SlotName,
  type SlotTable,
} from "./slots.js";
export {
  type EngineEvent,
  type EngineState,
  IDLE,
  NO_VERSION,
  next,
  UPDATE_STATUSES,
  type UpdateStatus,
} from "./status.js";
