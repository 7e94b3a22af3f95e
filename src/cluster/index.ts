/** The host side of a cluster: spec, state, providers, lifecycle. The CLI's only door in. */
export { init } from "./init.js";
export { destroy } from "./lifecycle/destroy.js";
export { HALT_GRACE_MS, halt } from "./lifecycle/halt.js";
export { logs } from "./lifecycle/logs.js";
export { provision, reload } from "./lifecycle/restart.js";
export { NotRunningError, ssh } from "./lifecycle/ssh.js";
export { type MachineReport, renderStatus, status } from "./lifecycle/status.js";
export { type CheckAnswer, checkForUpdates } from "./lifecycle/update-check.js";
export { type ClusterUpdates, clusterUpdates } from "./lifecycle/update-status.js";
export { type Progress, progressFor } from "./progress.js";
export type { MachineState, ProviderName } from "./providers/index.js";
export {
  BRIDGE,
  bridgeAddress,
  clusterId,
  defaultLoopbackAddresses,
  loopbackAddress,
  machineName,
  netnsName,
  probeRootless,
  vethName,
} from "./providers/index.js";
export { type RebootLockView, readRebootLock } from "./reboot-lock.js";
export { loadSpec } from "./spec/load.js";
export type { ClusterSpec, SpecNote } from "./spec/types.js";
export { PROVIDER_CHOICES, type ProviderChoice } from "./spec/types.js";
export { clusterOfMachine, readState } from "./state.js";
export type { ProvisionOptions, ReloadOptions, UpOptions } from "./up/context.js";
export { type UpResult, up } from "./up/up.js";
