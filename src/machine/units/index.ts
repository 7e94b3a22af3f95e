import type { BuiltinUnit } from "./context.js";
import { etcdService } from "./etcd.js";
import { etcd2Service } from "./etcd2.js";
import { fleetService } from "./fleet.js";
import { locksmithdService } from "./locksmithd.js";
import { targetUnits } from "./targets.js";
import { updateEngineService } from "./update-engine.js";

export type {
  BuiltinUnit,
  InProcessService,
  MachineContext,
  PreparedExec,
  ServiceIO,
} from "./context.js";
export { etcd04To34 } from "./etcd.js";
export { addrToUrl, bindToMachine, etcd34Env } from "./etcd-env.js";

/** The units that run this machine's etcd, the one CoreOS ships first. */
export const ETCD_UNITS: readonly string[] = [etcd2Service.name, etcdService.name];

/** The units every machine has without a unit file in its root. */
export const builtinUnits: ReadonlyMap<string, BuiltinUnit> = new Map(
  [
    etcdService,
    etcd2Service,
    fleetService,
    locksmithdService,
    updateEngineService,
    ...targetUnits,
  ].map((u) => [u.name, u]),
);
