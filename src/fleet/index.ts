export type { FleetApi } from "./client.js";
export { localFleetFile, writeLocalFleet } from "./connect.js";
export { type BlockOptions, FleetCtl } from "./ctl.js";
export { connectCtl } from "./ctl-connect.js";
export { Engine } from "./engine.js";
export { startFleetd } from "./fleetd.js";
export { renderTable, selectFields, type Table } from "./format.js";
export {
  machineRows,
  machinesTable,
  unitFileRowsOf,
  unitFilesTable,
  unitRowsOf,
  unitsTable,
} from "./lists.js";
export { currentState, FLEET_VERSION, Registry } from "./registry.js";
export { parseUnitFile, serializeUnit, unitHash } from "./unit-file.js";
