import type { Progress } from "../progress.js";
import type { ClusterPlan, MachinePlan, Provider } from "../providers/index.js";
import type { ClusterSpec, ProviderChoice } from "../spec/types.js";
import type { ClusterState } from "../state.js";

export interface UpOptions {
  /** The cluster directory (holds shoal.yaml or config.rb, and .shoal/). */
  dir: string;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Only these machines (reload core-02); all when absent. */
  names?: string[];
  /** --provider, overriding the spec. */
  provider?: ProviderChoice;
  /** Wait until every machine is booted and etcd is healthy (--no-wait turns it off). */
  wait: boolean;
  timeoutMs: number;
  /** Keep what a failed up created, for debugging (--retain). */
  retain: boolean;
  /** Ctrl-C: stop, unwind, leave nothing behind. */
  signal: AbortSignal;
  /** Makes sure etcd is installed (doctor --fix), as vagrant fetched its box on first use. */
  ensureTools?: (say: (line: string) => void) => Promise<void>;
}

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
  /** The user-data sections that configure etcd; no etcd wait without one. */
  etcdSections: string[];
  /** Undo actions, run in reverse when a later step fails. */
  cleanup: Array<{ what: string; undo: () => Promise<void> }>;
}

/** One step of `up`, in kind's style: a name for the progress and failures, and what it does. */
export interface Step {
  name: string;
  run(ctx: UpContext): Promise<void>;
}

export { Interrupted, UpFailure } from "../../errors/index.js";
export type { MachinePlan };
