import type { ClusterPlan, Provider } from "../providers/index.js";
import { chooseProvider, providerByName } from "../providers/index.js";
import { loadSpec } from "../spec/load.js";
import type { ClusterSpec } from "../spec/types.js";
import { type ClusterState, readState } from "../state.js";
import { planCluster, selectMachines } from "../up/up.js";

/** A cluster directory as the other commands see it: spec, state (if created), provider, machines. */
export interface OpenCluster {
  spec: ClusterSpec;
  state?: ClusterState;
  provider: Provider;
  /** The machines the spec or the state names (a machine dropped from the spec still counts). */
  plan: ClusterPlan;
}

export async function openCluster(
  dir: string,
  env: NodeJS.ProcessEnv,
  names?: string[],
): Promise<OpenCluster> {
  const spec = loadSpec(dir, env);
  const state = readState(dir);
  const provider = state
    ? providerByName(state.provider)
    : await chooseProvider(spec.provider, env);
  const instances = Math.max(spec.instances, ...(state?.machines.map((m) => m.index) ?? []));
  const plan = planCluster({ ...spec, instances }, state, provider);
  return { spec, ...(state ? { state } : {}), provider, plan: selectMachines(plan, names) };
}
