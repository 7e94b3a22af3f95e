export { Agent, type AgentOptions } from "./agent.js";
export { type FleetConfig, fleetConfigFromEnv } from "./config.js";
export {
  type Connection,
  connectCluster,
  connectRegistry,
  fleetctlEndpoints,
  type LocalFleet,
  localFleetFile,
  readLocalFleet,
  writeLocalFleet,
} from "./connect.js";
export { type BlockOptions, type CtlIO, FleetCtl, type Located } from "./ctl.js";
export { Engine, type EngineOptions } from "./engine.js";
export { AGENT_RECONCILE_MS, type Fleetd, startFleetd } from "./fleetd.js";
export { renderTable, selectFields, type Table } from "./format.js";
export {
  machineRows,
  machinesTable,
  unitFileRows,
  unitFilesTable,
  unitRows,
  unitsTable,
} from "./lists.js";
export {
  currentState,
  DEFAULT_PREFIX,
  FLEET_VERSION,
  type JobRecord,
  type MachineRecord,
  Registry,
  type Snapshot,
  type UnitStateRecord,
} from "./registry.js";
export { type Requirements, requirementsOf, requirementsProblem } from "./requirements.js";
export {
  type Decision,
  type DesiredState,
  machineUnits,
  type SchedMachine,
  type SchedUnit,
  schedule,
} from "./scheduler.js";
export { parseUnitFile, serializeUnit, type UnitOption, unitHash } from "./unit-file.js";
export type { HostUnitState, UnitHost } from "./unit-host.js";
