/**
 * locksmith: the cluster-wide reboot lock (its semaphore in etcd v3),
 * locksmithctl, and locksmithd's logic with its I/O passed in.
 */
export {
  type LocksmithdConfig,
  locksmithdConfig,
  STRATEGIES,
  type Strategy,
} from "./config.js";
export { type CtlIO, DEFAULT_ENDPOINTS, LOCKSMITHCTL_VERSION, locksmithctl } from "./ctl.js";
export {
  type CoordinatorState,
  type DaemonLock,
  goDuration,
  type LocksmithdIO,
  runLocksmithd,
  UPDATED_NEED_REBOOT,
  type UpdateStatusSource,
} from "./daemon.js";
export { semaphoreKey } from "./key.js";
export { type HandOff, handOffLeadership } from "./leader.js";
export {
  lock,
  newSemaphore,
  parseSemaphore,
  type Semaphore,
  SemaphoreError,
  type SemaphoreRefusal,
  serializeSemaphore,
  setMax,
  unlock,
} from "./semaphore.js";
export {
  type ChangeFeed,
  etcdErrorText,
  type LockConnection,
  LockContention,
  openRebootLock,
  RebootLock,
} from "./store.js";
export {
  msUntilWindow,
  nextWindow,
  type Period,
  parseRebootWindow,
  previousWindow,
  type RebootWindow,
} from "./window.js";
