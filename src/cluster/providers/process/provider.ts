import { mkdirSync } from "node:fs";
import { machinePaths } from "../../../machine/index.js";
import {
  agentArgv,
  agentLifecycle,
  clearRunMarkers,
  launchMachine,
  prepareBoot,
  runningPid,
} from "../common/agent.js";
import { hostNetwork } from "../common/names.js";
import { providerPidFile, removePid } from "../common/pids.js";
import type { ClusterPlan, MachinePlan, Provider, ProviderInfo } from "../common/provider.js";
import { bashArgs, coreHome, runAttached, shellEnv } from "../common/shell.js";

/**
 * Machines as supervised process trees on the host's own network: each
 * agent is a detached process (its own process group) at 127.17.8.(100+i).
 * Works for any user.
 */
export const processProvider: Provider = {
  name: "process",

  ...hostNetwork,

  // Linux routes all of 127.0.0.0/8 to lo: nothing to check here (doctor checks the addresses).
  async info(): Promise<ProviderInfo> {
    return { name: "process", needs: ["loopback 127.0.0.0/8"], usable: true };
  },

  async start(_cluster: ClusterPlan, machine: MachinePlan, env: NodeJS.ProcessEnv): Promise<void> {
    if (runningPid(machine) !== undefined) return;
    clearRunMarkers(machine);
    prepareBoot(machine);
    const { root } = machinePaths(machine.dir);
    mkdirSync(root, { recursive: true });
    await launchMachine(machine, agentArgv(machine, root), { env, cwd: machine.dir });
  },

  ...agentLifecycle,

  async destroy(_cluster, machine): Promise<void> {
    removePid(providerPidFile(machine.dir));
  },

  async cleanup(): Promise<void> {},

  exec(_cluster, machine, command, env): Promise<number> {
    const paths = machinePaths(machine.dir);
    const home = coreHome(paths.root);
    // The slot's bin directories next, as the machine's /usr/bin would be (its units' PATH has them too).
    const path = [`${paths.activeSlot}/bin`, `${paths.activeSlot}/sbin`, env.PATH ?? ""].join(":");
    const shell = shellEnv(machine, home, path, {
      ...env,
      COREOS_PRIVATE_IPV4: machine.address,
      COREOS_PUBLIC_IPV4: machine.address,
    });
    return runAttached(["bash", ...bashArgs(command)], { env: shell, cwd: home });
  },
};
