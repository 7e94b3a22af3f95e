/**
 * locksmith: the cluster-wide reboot lock (its semaphore in etcd v3),
 * locksmithctl, and locksmithd's logic with its I/O passed in.
 */
export { type CtlIO, DEFAULT_ENDPOINTS, LOCKSMITHCTL_VERSION, locksmithctl } from "./ctl.js";
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
  etcdErrorText,
  type LockConnection,
  LockContention,
  openRebootLock,
  RebootLock,
  semaphoreKey,
} from "./store.js";
export {
  msUntilWindow,
  nextWindow,
  type Period,
  parseRebootWindow,
  previousWindow,
  type RebootWindow,
} from "./window.js";
