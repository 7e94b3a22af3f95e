export { apiMachine, apiUnitsOf, type FleetApi, RegistryApi } from "./client.js";
export {
  type Connection,
  connectRegistry,
  localFleetFile,
  readLocalFleet,
  writeLocalFleet,
} from "./connect.js";
export { type BlockOptions, FleetCtl } from "./ctl.js";
export { connectCtl } from "./ctl-connect.js";
export { ctlUsage, findCtlCommand, unknownCommandMessage } from "./ctl-help.js";
export { Engine } from "./engine.js";
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
  Registry,
  type Snapshot,
} from "./registry.js";
export { parseUnitFile, serializeUnit, unitHash } from "./unit-file.js";
