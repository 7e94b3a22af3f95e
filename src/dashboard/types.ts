/**
 * What `GET /api/cluster` returns and the event stream carries: plain
 * data, shared by the server and the page (which imports only types).
 */

export type MachineStateName = "running" | "poweroff" | "aborted" | "not created";

export interface MachineView {
  name: string;
  state: MachineStateName;
  provider: string;
  address: string;
  machineId?: string;
  /** The channel (GROUP) the machine follows. */
  updateChannel?: string;
  /** The release it runs and the /usr slot ("A" or "B") it booted from. */
  version?: string;
  slot?: "A" | "B";
  /** Its update-engine's status (UPDATE_STATUS_*) while it answers, and the update it got. */
  updateStatus?: string;
  newVersion?: string;
  /** The last failed update it reported to the update server. */
  updateError?: string;
  /** ISO time the machine's agent started, while it runs (the page counts uptime from it). */
  startedAt?: string;
  /** The machine's own units as its agent reports them. */
  units?: Array<{ name: string; active: string; sub: string }>;
}

export interface MemberView {
  /** The machine the member runs on. */
  machine: string;
  /** Hex, as etcdctl prints it. */
  id: string;
  clientUrl: string;
  healthy: boolean;
  isLeader: boolean;
  raftTerm?: string;
  raftIndex?: string;
  dbSizeBytes?: number;
  version?: string;
  /** Milliseconds one `/health` request took. */
  healthLatencyMs: number;
}

export interface EtcdView {
  members: MemberView[];
  /** Hex id of the leader the members agree on, if any answers. */
  leader?: string;
  /** The machine that runs the leader. */
  leaderMachine?: string;
}

export interface FleetMachineView {
  id: string;
  /** The machine's name (core-01), when fleetd published it. */
  hostname?: string;
  ip?: string;
  metadata: Record<string, string>;
}

export interface FleetUnitView {
  name: string;
  desired: string;
  current: string;
  /** The machine name (core-01) that the engine placed it on, or its fleet id. */
  machine?: string;
  active?: string;
  sub?: string;
  description?: string;
  /** Why the engine cannot place it. */
  unplaceable?: string;
}

export interface FleetView {
  /** False when no etcd member answered fleet's keys. */
  reachable: boolean;
  machines: FleetMachineView[];
  units: FleetUnitView[];
}

export interface ChannelView {
  name: string;
  /** The release the channel offers; "" before the update server ever ran. */
  release: string;
  /** The built-in base release (nothing published to the channel yet). */
  base: boolean;
  /** ISO time it was published. */
  published?: string;
  /** Set while a failed update holds the channel's rollout (`shoal updates resume` lifts it). */
  paused?: string;
}

export interface UpdatesView {
  /** stable, beta, alpha; empty when the update store cannot be read. */
  channels: ChannelView[];
  /** locksmith's reboot lock; absent when no etcd member answers. */
  rebootLock?: {
    max: number;
    /** The holders' machine names (a machine id when no machine of this cluster has it). */
    holders: string[];
  };
}

export type EventKind =
  | "boot"
  | "halt"
  | "abort"
  | "destroy"
  | "leader"
  | "unit-failed"
  | "unit-moved"
  | "unit-placed"
  | "unit-gone"
  | "update"
  | "update-failed"
  | "release"
  | "rollout-paused"
  | "rollout-resumed"
  | "action";

export interface ClusterEvent {
  /** ISO time the dashboard noticed it. */
  at: string;
  kind: EventKind;
  text: string;
  machine?: string;
  unit?: string;
}

export interface ClusterView {
  /** The cluster directory. */
  dir: string;
  /** False when no machine exists (never created, or destroyed). */
  created: boolean;
  /** ISO time of the last look. */
  at: string;
  machines: MachineView[];
  etcd: EtcdView;
  fleet: FleetView;
  updates: UpdatesView;
  /** Why the last look failed (say, shoal.yaml broken mid-edit); the rest is the look before. */
  problem?: string;
  /** What changed since the dashboard started, newest first (at most EVENT_LIMIT). */
  events: ClusterEvent[];
}

export const EVENT_LIMIT = 200;
