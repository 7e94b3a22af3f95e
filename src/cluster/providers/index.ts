/**
 * How a machine's process tree is wrapped on this host, in kind's layout:
 * `common/` holds what every provider shares (the agent, pids, names,
 * shell, fstab, PID 1), and each provider has its own folder with a
 * `provider.ts`.
 */
import { InputError } from "../../errors/index.js";
import type { ProviderChoice } from "../spec/types.js";
import type { Provider, ProviderName } from "./common/provider.js";
import { namespaceProvider } from "./namespace/provider.js";
import { processProvider } from "./process/provider.js";
import { rootlessProvider } from "./rootless/provider.js";

export { hostState, runningPid } from "./common/agent.js";
export {
  BRIDGE,
  bridgeAddress,
  clusterId,
  defaultLoopbackAddresses,
  gatewayAddress,
  loopbackAddress,
  machineName,
  netnsName,
  vethName,
} from "./common/names.js";
export { alive, type ProcessId, processId, signal } from "./common/pids.js";
export type {
  ClusterPlan,
  MachinePlan,
  MachineState,
  Provider,
  ProviderName,
} from "./common/provider.js";
export { probeRootless } from "./rootless/probe.js";

/**
 * In the order `auto` tries them: the namespace provider for root, the
 * rootless one where user namespaces are allowed, else processes.
 */
export const PROVIDERS: readonly Provider[] = [
  namespaceProvider,
  rootlessProvider,
  processProvider,
];

export function providerByName(name: ProviderName): Provider {
  const provider = PROVIDERS.find((p) => p.name === name);
  if (!provider) throw new Error(`no provider named ${name}`);
  return provider;
}

/**
 * The provider for a choice: `auto` picks the first usable one (like kind's
 * DetectNodeProvider); a named one that cannot run here is refused with why.
 */
export async function chooseProvider(
  choice: ProviderChoice,
  env: NodeJS.ProcessEnv,
): Promise<Provider> {
  if (choice !== "auto") {
    const provider = providerByName(choice);
    const info = await provider.info(env);
    if (!info.usable) {
      throw new InputError(
        `the ${choice} provider cannot run here: ${info.reason}`,
        undefined,
        `it needs ${info.needs.join(", ")}; provider: process works for any user`,
      );
    }
    return provider;
  }
  for (const provider of PROVIDERS) {
    if ((await provider.info(env)).usable) return provider;
  }
  return processProvider;
}
