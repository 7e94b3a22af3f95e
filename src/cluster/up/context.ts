import type { Progress } from "../progress.js";
import type { ClusterPlan, MachinePlan, Provider } from "../providers/index.js";
import type { ClusterSpec, ProviderChoice } from "../spec/types.js";
import type { ClusterState } from "../state.js";
import type { LocalUpdates } from "../update-server.js";

/** What every command that (re)boots or reconfigures machines is given. */
export interface RunOptions {
  /** The cluster directory (holds shoal.yaml or config.rb, and .shoal/). */
  dir: string;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Only these machines (reload core-02); all when absent. */
  names?: string[];
  /** Ctrl-C: stop, unwind, leave nothing behind. */
  signal: AbortSignal;
}

export interface UpOptions extends RunOptions {
  /** --provider, overriding the spec. */
  provider?: ProviderChoice;
  /** Wait (at most timeoutMs) until every machine booted and etcd is healthy; false: --no-wait. */
  wait: { timeoutMs: number } | false;
  /** Keep what a failed run created, for debugging (--retain). */
  retain: boolean;
  /** Makes sure etcd is installed (doctor --fix), as vagrant fetched its box on first use. */
  ensureTools?: (say: (line: string) => void) => Promise<void>;
}

/** `reload` always waits until the machines are ready again. */
export interface ReloadOptions extends RunOptions {
  timeoutMs: number;
}

/** `provision` only re-applies user-data to machines that run: nothing to wait for. */
export type ProvisionOptions = RunOptions;

/** What the steps of `up` share; each step fills in its part and records how to undo it. */
export interface UpContext {
  options: UpOptions;
  spec: ClusterSpec;
  progress: Progress;
  userDataText: string;
  /** Present when the cluster existed before this up (halted or partly running). */
  previous?: ClusterState;
  provider: Provider;
  plan: ClusterPlan;
  discoveryUrl: string;
  /** Settles when the discovery server answers (a new local one is still loading as machines boot). */
  discoveryServed?: Promise<void>;
  /** The local update server: SERVER= for the machines, its store's key and releases, its start. */
  updates?: LocalUpdates;
  /** Settles when the update server's release key is on every machine's config drive (rejected: why not). */
  updateKeyInstalled?: Promise<void>;
  /** The user-data sections that configure etcd; no etcd wait without one. */
  etcdSections: string[];
  /** Undo actions, run in reverse when a later step fails. */
  cleanup: Array<{ what: string; undo: () => Promise<void> }>;
}

/** One step of `up`, in kind's style: a name shown in the progress while it runs, and what it does. */
export interface Step {
  name: string;
  run(ctx: UpContext): Promise<void>;
}

export { Interrupted, UpFailure } from "../../errors/index.js";
export type { MachinePlan };
