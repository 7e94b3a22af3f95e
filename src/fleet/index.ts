export { Agent, type AgentOptions } from "./agent.js";
export type { ApiMachine, ApiUnit, ApiUnitState, FleetApi } from "./client.js";
export { type FleetConfig, fleetConfigFromEnv } from "./config.js";
export { localFleetFile, writeLocalFleet } from "./connect.js";
export { type BlockOptions, FleetCtl } from "./ctl.js";
export { connectCtl } from "./ctl-connect.js";
export { Engine, type EngineOptions } from "./engine.js";
export { AGENT_RECONCILE_MS, type Fleetd, startFleetd } from "./fleetd.js";
export { renderTable, selectFields, type Table } from "./format.js";
export {
  machineRows,
  machinesTable,
  unitFileRowsOf,
  unitFilesTable,
  unitRowsOf,
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
