import { which } from "../../../host/index.js";

/**
 * The contract every provider keeps, in kind's style: how one machine's
 * process tree is wrapped on this host. Everything else (names, config
 * drives, the agent, readiness) is the same for every provider.
 */

export type ProviderName = "process" | "namespace" | "rootless";

/** What a provider needs, and whether this host has it. */
export interface ProviderInfo {
  name: ProviderName;
  /** Human-readable requirements, e.g. "root", "ip", "unshare". */
  needs: string[];
  usable: boolean;
  /** Why it is not usable here. */
  reason?: string;
}

/** One machine as planned before anything is created. */
export interface MachinePlan {
  index: number;
  name: string;
  /** .shoal/machines/<name> */
  dir: string;
  address: string;
  machineId: string;
}

/** The cluster as the providers see it. */
export interface ClusterPlan {
  /** Short id (hash of the directory) that keeps host resources of two clusters apart. */
  id: string;
  dir: string;
  subnet: string;
  machines: MachinePlan[];
}

/** vagrant's machine states. */
export type MachineState = "running" | "poweroff" | "aborted" | "not created";

/** What the host says about one machine. */
export interface MachineHostState {
  name: string;
  state: MachineState;
  /** Host pid of the machine's outermost process, while it runs. */
  pid?: number;
}

export interface Provider {
  readonly name: ProviderName;
  /**
   * Machines share the host's network, each at its own loopback address, so
   * their agents bind 0.0.0.0 and 127.0.0.1 listeners to that address.
   */
  readonly sharedNetwork: boolean;
  /** What it needs and whether this host has it for this environment (auto picks from this). */
  info(env: NodeJS.ProcessEnv): Promise<ProviderInfo>;
  /** The address machine `index` gets on `subnet`. */
  address(subnet: string, index: number): string;
  /** Where machines reach the host, e.g. the discovery server's address. */
  hostAddress(subnet: string): string;
  /** Creates what the cluster's machines share on the host (the bridge); idempotent. */
  prepare(cluster: ClusterPlan): Promise<void>;
  /** Boots the machine's agent detached from this process; returns once it was spawned. */
  start(cluster: ClusterPlan, machine: MachinePlan, env: NodeJS.ProcessEnv): Promise<void>;
  /** Halts the machine through its agent, and kills what is left after graceMs. */
  stop(cluster: ClusterPlan, machine: MachinePlan, graceMs: number): Promise<"graceful" | "forced">;
  /** Removes what a stopped machine holds on the host (namespace, veth). */
  destroy(cluster: ClusterPlan, machine: MachinePlan): Promise<void>;
  /** Removes shared host resources that no cluster uses any more (the bridge). */
  cleanup(cluster: ClusterPlan): Promise<void>;
  /**
   * Runs a shell command (or an interactive shell when command is undefined)
   * inside the machine, with the caller's environment as start() takes it;
   * resolves with its exit code.
   */
  exec(
    cluster: ClusterPlan,
    machine: MachinePlan,
    command: string | undefined,
    env: NodeJS.ProcessEnv,
  ): Promise<number>;
  /** Asks the host (pid files and /proc, namespaces, links) what runs for these machines. */
  list(cluster: ClusterPlan): Promise<MachineHostState[]>;
}

/** The tools of `tools` that are not on `path`, as a ProviderInfo's reason; undefined when all are. */
export function missingTools(
  tools: readonly string[],
  path: string | undefined,
): string | undefined {
  const missing = tools.filter((t) => !which(t, path));
  return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
}
