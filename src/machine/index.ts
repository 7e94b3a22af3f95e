/**
 * What runs inside one machine: the config-drive datasource, the agent
 * (`shoal machine boot`: cloud-config apply plus a small init), the
 * built-in units, and the control socket the host talks to.
 */

export type { MachineMeta } from "../cloudconfig/index.js";
export { type AgentOptions, runAgent } from "./agent/index.js";
export { REBOOT_STATUS } from "./agent/reboot.js";
export { beginBoot, dropLayerReleaseFiles } from "./boot-slot.js";
export { bootFinished, connectMachine } from "./control/client.js";
export type { BootState, MachineClient, MachineStatus, UnitState } from "./control/types.js";
export {
  type ConfigDrive,
  type EtcdRole,
  readConfigDrive,
  writeConfigDrive,
} from "./datasource.js";
export { MachineError } from "./errors.js";
export { readJournal } from "./init/journal.js";
export { machinePaths, unitDirs } from "./layout.js";
export { machineShellEnv } from "./shell.js";
export { addrToUrl, ETCD_UNITS } from "./units/index.js";
