import {
  currentState,
  type JobRecord,
  type MachineRecord,
  type Registry,
  type Snapshot,
  type UnitStateRecord,
} from "./registry.js";
import type { DesiredState } from "./scheduler.js";
import { parseUnitFile, serializeUnit, unitHash } from "./unit-file.js";

/**
 * What fleetctl and the HTTP API need from fleet, in the API's own shapes
 * (fleet's client.API): one implementation reads and writes the registry
 * in etcd (`--driver=etcd`, and the API server itself), the other talks to
 * a fleetd's API (`--driver=API`).
 */

/** One option of a unit, as the API carries it. */
export interface ApiOption {
  section: string;
  name: string;
  value: string;
}

export interface ApiUnit {
  name: string;
  options: ApiOption[];
  desiredState: DesiredState;
  currentState?: "inactive" | "loaded" | "launched";
  machineID?: string;
  /** shoal's addition: why the engine cannot place the unit, while it cannot. */
  unplaceable?: string;
}

export interface ApiUnitState {
  name: string;
  hash: string;
  machineID: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

export interface ApiMachine {
  id: string;
  primaryIP?: string;
  metadata?: Record<string, string>;
}

export interface FleetApi {
  units(): Promise<ApiUnit[]>;
  unit(name: string): Promise<ApiUnit | undefined>;
  /** Creates the unit, or gives an existing one a new body (`--replace`) keeping its desired state. */
  createUnit(unit: {
    name: string;
    options: ApiOption[];
    desiredState?: DesiredState;
  }): Promise<void>;
  /** Sets the desired state of these units together, as one batch where the driver can. */
  setTargetStates(names: readonly string[], state: DesiredState): Promise<void>;
  /** False when there was no such unit. */
  destroyUnit(name: string): Promise<boolean>;
  unitStates(): Promise<ApiUnitState[]>;
  machines(): Promise<ApiMachine[]>;
  setMachineMetadata(machineId: string, key: string, value: string): Promise<void>;
  deleteMachineMetadata(machineId: string, key: string): Promise<void>;
  close(): void;
}

/** The unit's body as stored and hashed. */
export function unitText(options: readonly ApiOption[]): string {
  return serializeUnit(options);
}

export function apiUnitHash(options: readonly ApiOption[]): string {
  return unitHash(options);
}

function toOptions(text: string): ApiOption[] {
  return parseUnitFile(text).options.map(({ section, name, value }) => ({ section, name, value }));
}

export function apiMachine(m: MachineRecord): ApiMachine {
  return {
    id: m.id,
    ...(m.publicIp ? { primaryIP: m.publicIp } : {}),
    ...(Object.keys(m.metadata).length > 0 ? { metadata: m.metadata } : {}),
  };
}

/** FleetApi on the registry in etcd. */
function toUnit(job: JobRecord, text: string, states: readonly UnitStateRecord[]): ApiUnit {
  return {
    name: job.name,
    options: toOptions(text),
    desiredState: job.desired,
    ...(job.target
      ? { currentState: currentState(job, states), machineID: job.target }
      : { currentState: "inactive" as const }),
    ...(job.unplaceable !== undefined && !job.target ? { unplaceable: job.unplaceable } : {}),
  };
}

/** Every unit of a registry snapshot, in the API's shape. */
export function apiUnitsOf(snap: Snapshot): ApiUnit[] {
  return snap.jobs.map((job) =>
    toUnit(
      job,
      snap.units.get(job.hash) ?? "",
      snap.states.filter((s) => s.unit === job.name),
    ),
  );
}

export class RegistryApi implements FleetApi {
  constructor(
    readonly registry: Registry,
    private readonly onClose: () => void = () => {},
  ) {}

  async units(): Promise<ApiUnit[]> {
    return apiUnitsOf(await this.registry.snapshot());
  }

  async unit(name: string): Promise<ApiUnit | undefined> {
    const job = await this.registry.job(name);
    if (!job) return undefined;
    const text = (await this.registry.unitText(job.hash)) ?? "";
    return toUnit(job, text, job.target ? await this.registry.statesOf(name) : []);
  }

  async createUnit(unit: {
    name: string;
    options: ApiOption[];
    desiredState?: DesiredState;
  }): Promise<void> {
    const text = serializeUnit(unit.options);
    const hash = unitHash(unit.options);
    const created = await this.registry.createJob(
      unit.name,
      text,
      hash,
      unit.desiredState ?? "inactive",
    );
    if (!created) await this.registry.replaceJob(unit.name, text, hash);
  }

  async setTargetStates(names: readonly string[], state: DesiredState): Promise<void> {
    if (!(await this.registry.setDesired(names, state))) {
      throw new Error(`unable to find unit ${names.join(", ")}: destroyed meanwhile`);
    }
  }

  destroyUnit(name: string): Promise<boolean> {
    return this.registry.destroyJob(name);
  }

  async unitStates(): Promise<ApiUnitState[]> {
    return (await this.registry.snapshot()).states.map((s) => ({
      name: s.unit,
      hash: s.hash,
      machineID: s.machineId,
      systemdLoadState: s.load,
      systemdActiveState: s.active,
      systemdSubState: s.sub,
    }));
  }

  async machines(): Promise<ApiMachine[]> {
    return (await this.registry.machines()).map(apiMachine);
  }

  setMachineMetadata(machineId: string, key: string, value: string): Promise<void> {
    return this.registry.setMachineMetadata(machineId, key, value);
  }

  deleteMachineMetadata(machineId: string, key: string): Promise<void> {
    return this.registry.setMachineMetadata(machineId, key, "");
  }

  close(): void {
    this.onClose();
  }
}
