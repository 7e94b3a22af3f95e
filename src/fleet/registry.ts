import { compare, type Kv, type Lease, op, type Watch } from "../etcd/index.js";
import {
  cmp,
  hashFromJson,
  machineFromJson,
  machineJson,
  objectJson,
  parseSnapshot,
  stateFromJson,
  stateJson,
  withDynamicMetadata,
} from "./registry-json.js";
import type { DesiredState } from "./scheduler.js";

/**
 * fleet's registry on etcd v3, under one namespace (the fleet prefix).
 * Key layout is fleet v1.0's etcd v2 layout carried over; TTL keys
 * become leased keys, prevExist becomes a CreateRevision compare, and
 * prevValue a Value compare. Only the engine writes `target`.
 *
 *   machines/<id>/object          leased (agent_ttl)
 *   machines/<id>/metadata/<key>  metadata set through the API; "" removes a key
 *   job/<unit>/object             {"Name","UnitHash":[20 numbers]}
 *   job/<unit>/target-state       inactive | loaded | launched
 *   job/<unit>/target             machine ID (engine only)
 *   job/<unit>/job-state          machine ID, leased: the launched heartbeat
 *   job/<unit>/unplaceable        why the engine cannot place it (shoal's addition)
 *   unit/<sha1>                   {"Raw": unit file}
 *   states/<unit>/<machine>       systemd states, leased
 *   lease/engine-leader           {"MachineID","Version":1}, leased
 */

/** Keys a watcher can ask for: job/<unit>/<kind>, or the machines. */
export type WatchKind = "object" | "target-state" | "target" | "machines" | "leader";

export const DEFAULT_PREFIX = "/_coreos.com/fleet/";
export const FLEET_VERSION = "1.0.0-shoal";

export interface MachineRecord {
  id: string;
  publicIp?: string;
  /** shoal's addition: the machine's name (core-01), so fleetctl can reach it. */
  hostname?: string;
  metadata: Record<string, string>;
  version: string;
}

export interface JobRecord {
  name: string;
  hash: string;
  desired: DesiredState;
  target?: string;
  /** The machine whose agent says the unit is launched (leased heartbeat). */
  jobState?: string;
  unplaceable?: string;
}

export interface UnitStateRecord {
  unit: string;
  machineId: string;
  load: string;
  active: string;
  sub: string;
  hash: string;
}

export interface Snapshot {
  revision: string;
  machines: MachineRecord[];
  jobs: JobRecord[];
  /** Unit file text by hash, for the hashes jobs refer to. */
  units: Map<string, string>;
  states: UnitStateRecord[];
  leader?: string;
}

const key = {
  machine: (id: string) => `machines/${id}/object`,
  object: (unit: string) => `job/${unit}/object`,
  desired: (unit: string) => `job/${unit}/target-state`,
  target: (unit: string) => `job/${unit}/target`,
  jobState: (unit: string) => `job/${unit}/job-state`,
  unplaceable: (unit: string) => `job/${unit}/unplaceable`,
  unit: (hash: string) => `unit/${hash}`,
  state: (unit: string, machine: string) => `states/${unit}/${machine}`,
  leader: "lease/engine-leader",
};

export class Registry {
  readonly ns: Kv;

  constructor(client: Kv, prefix = DEFAULT_PREFIX) {
    this.ns = client.namespace(prefix);
  }

  /** Everything under the prefix in one read, so it is consistent at one revision. */
  async snapshot(): Promise<Snapshot> {
    const res = await this.ns.range("", { prefix: true });
    return parseSnapshot(
      res.revision,
      res.kvs.map((kv) => [kv.key, kv.value]),
    );
  }

  async job(name: string): Promise<JobRecord | undefined> {
    const prefix = `job/${name}/`;
    const all = await this.ns.getPrefix(prefix);
    const res: Record<string, string> = {};
    for (const [k, v] of all) res[k.slice(prefix.length)] = v;
    const hash = res.object;
    const desired = res["target-state"];
    if (hash === undefined || desired === undefined) return undefined;
    return {
      name,
      hash: hashFromJson(hash),
      desired: desired as DesiredState,
      ...(res.target ? { target: res.target } : {}),
      ...(res["job-state"] ? { jobState: res["job-state"] } : {}),
      ...(res.unplaceable ? { unplaceable: res.unplaceable } : {}),
    };
  }

  async unitText(hash: string): Promise<string | undefined> {
    const kv = await this.ns.get(key.unit(hash));
    return kv === undefined ? undefined : (JSON.parse(kv.value) as { Raw: string }).Raw;
  }

  async machines(): Promise<MachineRecord[]> {
    const all = await this.ns.getPrefix("machines/");
    const machines: MachineRecord[] = [];
    const dynamic: Array<[string, string, string]> = [];
    for (const [k, v] of all) {
      const parts = k.split("/");
      if (parts[2] === "object") machines.push(machineFromJson(v));
      else if (parts[2] === "metadata" && parts.length === 4) {
        dynamic.push([parts[1] as string, parts[3] as string, v]);
      }
    }
    return withDynamicMetadata(machines, dynamic).sort((a, b) => cmp(a.id, b.id));
  }

  /** The API's PATCH /machines: "" marks a key removed, so it also hides a configured one. */
  async setMachineMetadata(id: string, name: string, value: string): Promise<void> {
    await this.ns.put(`machines/${id}/metadata/${name}`, value);
  }

  async statesOf(unit: string): Promise<UnitStateRecord[]> {
    const all = await this.ns.getPrefix(`states/${unit}/`);
    return [...all].map(([k, v]) => stateFromJson(unit, k.split("/")[2] as string, v));
  }

  /**
   * Creates the unit if no unit of that name exists (the body is
   * content-addressed and shared); returns false when one already exists.
   */
  async createJob(
    name: string,
    text: string,
    hash: string,
    desired: DesiredState,
  ): Promise<boolean> {
    await this.ns.put(key.unit(hash), JSON.stringify({ Raw: text }));
    const res = await this.ns.txn({
      compare: [compare(key.object(name), "Create", "==", 0)],
      success: [
        op.put(key.object(name), objectJson(name, hash)),
        op.put(key.desired(name), desired),
      ],
    });
    return res.succeeded;
  }

  /** `--replace`: a new body for an existing unit; the agent reloads it where it runs. */
  async replaceJob(name: string, text: string, hash: string): Promise<void> {
    await this.ns.put(key.unit(hash), JSON.stringify({ Raw: text }));
    await this.ns.put(key.object(name), objectJson(name, hash));
  }

  /**
   * Sets the desired state of several units in one transaction, so the
   * engine sees them as one batch (a MachineOf follower together with its
   * peer), and drops any earlier "cannot place" verdict on them.
   */
  async setDesired(names: readonly string[], desired: DesiredState): Promise<boolean> {
    if (names.length === 0) return true;
    // Every unit must still exist: a destroyed one is not brought back as a bare target-state.
    const res = await this.ns.txn({
      compare: names.map((name) => compare(key.object(name), "Create", ">", 0)),
      success: names.flatMap((name) => [
        op.put(key.desired(name), desired),
        op.delete(key.unplaceable(name)),
      ]),
    });
    return res.succeeded;
  }

  /** Deletes job/<name>/ entirely; the agent then stops and unloads the unit. */
  async destroyJob(name: string): Promise<boolean> {
    return (await this.ns.delete(`job/${name}/`, { prefix: true })) > 0;
  }

  // Engine side: every write is guarded by this engine still holding the leader key.

  /** Whether some engine holds the leader key: a read, where a bid is a write through raft. */
  async leaderHeld(): Promise<boolean> {
    return (await this.ns.get(key.leader)) !== undefined;
  }

  async tryLead(machineId: string, lease: Lease): Promise<boolean> {
    const value = JSON.stringify({ MachineID: machineId, Version: 1 });
    const id = await lease.grant();
    const res = await this.ns.txn({
      compare: [compare(key.leader, "Create", "==", 0)],
      success: [op.put(key.leader, value, id)],
      failure: [op.get(key.leader)],
    });
    if (res.succeeded) return true;
    const current = res.responses[0];
    return current !== undefined && "kvs" in current && current.kvs[0]?.lease === id;
  }

  async schedule(unit: string, machine: string, leaderLeaseId: string): Promise<boolean> {
    const res = await this.ns.txn({
      compare: [
        compare(key.leader, "Lease", "==", leaderLeaseId),
        compare(key.target(unit), "Create", "==", 0),
        compare(key.object(unit), "Create", ">", 0),
      ],
      success: [op.put(key.target(unit), machine), op.delete(key.unplaceable(unit))],
    });
    return res.succeeded;
  }

  async unschedule(unit: string, machine: string, leaderLeaseId: string): Promise<boolean> {
    const res = await this.ns.txn({
      compare: [
        compare(key.leader, "Lease", "==", leaderLeaseId),
        compare(key.target(unit), "Value", "==", machine),
      ],
      success: [op.delete(key.target(unit))],
    });
    return res.succeeded;
  }

  /** Only if the unit's desired state has not changed since the snapshot the verdict came from. */
  async setUnplaceable(
    unit: string,
    reason: string,
    leaderLeaseId: string,
    snapshotRevision: string,
  ): Promise<void> {
    await this.ns.txn({
      compare: [
        compare(key.leader, "Lease", "==", leaderLeaseId),
        compare(key.object(unit), "Create", ">", 0),
        compare(key.desired(unit), "Mod", "<", (BigInt(snapshotRevision) + 1n).toString()),
      ],
      success: [op.put(key.unplaceable(unit), reason)],
    });
  }

  async clearUnplaceable(unit: string, leaderLeaseId: string): Promise<void> {
    await this.ns.txn({
      compare: [compare(key.leader, "Lease", "==", leaderLeaseId)],
      success: [op.delete(key.unplaceable(unit))],
    });
  }

  // Agent side: everything it publishes hangs on its one lease of agent_ttl.

  async publishMachine(lease: Lease, m: MachineRecord): Promise<void> {
    await this.ns.put(key.machine(m.id), machineJson(m), { lease: await lease.grant() });
  }

  async publishState(lease: Lease, s: UnitStateRecord): Promise<void> {
    await this.ns.put(key.state(s.unit, s.machineId), stateJson(s), { lease: await lease.grant() });
  }

  async deleteState(unit: string, machine: string): Promise<void> {
    await this.ns.delete(key.state(unit, machine));
  }

  /** The launched heartbeat; only for the machine the unit is still targeted at. */
  async setJobState(lease: Lease, unit: string, machine: string): Promise<void> {
    await this.ns.txn({
      compare: [compare(key.target(unit), "Value", "==", machine)],
      success: [op.put(key.jobState(unit), machine, await lease.grant())],
    });
  }

  async clearJobState(unit: string, machine: string): Promise<void> {
    await this.ns.txn({
      compare: [compare(key.jobState(unit), "Value", "==", machine)],
      success: [op.delete(key.jobState(unit))],
    });
  }

  async removeMachine(id: string): Promise<void> {
    await this.ns.delete(key.machine(id));
  }

  /**
   * Watches the keys a reader acts on; calls back when one changes. Each
   * side names only what it needs (upstream woke every fleetd on every job
   * change, its thundering herd), so an agent's own heartbeats and states
   * wake nobody.
   */
  async watch(kinds: readonly WatchKind[], onChange: () => void): Promise<Watch[]> {
    const watchers: Watch[] = [];
    const jobKinds = kinds.filter((k) => k !== "machines" && k !== "leader");
    const watch = async (prefix: string, relevant: (key: string) => boolean) => {
      const w = await this.ns.watch(
        prefix,
        { prefix: true },
        {
          onEvents: (events) => {
            if (events.some((e) => relevant(e.key))) onChange();
          },
          // Changes were lost while the watch reconnected: look again.
          onCompacted: onChange,
        },
      );
      watchers.push(w);
    };
    if (jobKinds.length > 0) {
      await watch("job/", (key) => jobKinds.some((kind) => key.endsWith(`/${kind}`)));
    }
    if (kinds.includes("machines")) await watch("machines/", () => true);
    if (kinds.includes("leader")) await watch(key.leader, () => true);
    return watchers;
  }
}

/**
 * fleet's current state: inactive without a target or a state report from
 * it, launched when the target machine's heartbeat says so, else loaded.
 */
export function currentState(
  job: JobRecord,
  states: readonly UnitStateRecord[],
): "inactive" | "loaded" | "launched" {
  if (!job.target) return "inactive";
  if (!states.some((s) => s.unit === job.name && s.machineId === job.target)) return "inactive";
  return job.jobState === job.target ? "launched" : "loaded";
}
