import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from "node:fs";
import { packageVersion, shoalArgv, waitFor } from "../../../host/index.js";
import {
  beginBoot,
  connectMachine,
  dropLayerReleaseFiles,
  machinePaths,
  unitDirs,
} from "../../../machine/index.js";
import { launcherArgv } from "./init.js";
import {
  alive,
  type ProcessId,
  processId,
  providerPidFile,
  readPid,
  removePid,
  signal,
  writePid,
} from "./pids.js";
import type { ClusterPlan, MachineHostState, MachinePlan, Provider } from "./provider.js";

/**
 * What every provider shares about a machine's agent (`shoal machine boot`):
 * how to start it, how to halt it, and how to tell its state from the host.
 */

/**
 * The agent's argv for a machine whose `/` is `root`; `slotMounted` when
 * the launcher lays the active /usr slot over the machine's /usr.
 */
export function agentArgv(
  machine: MachinePlan,
  root: string,
  options: { slotMounted?: boolean } = {},
): string[] {
  const [node, bin] = shoalArgv();
  return [
    node as string,
    // No node flags: the agent sets its V8 flags itself (cli/agent-v8.ts).
    bin as string,
    ...["machine", "boot", "--dir", machine.dir, "--root", root],
    ...(options.slotMounted ? ["--slot-mounted"] : []),
  ];
}

/**
 * Before a cold boot: the slot it runs (a new machine gets USR-A with the
 * base release, shoal's own version); a reboot's next slot is the agent's
 * to pick, as it exits. `slotMounted`: the launcher lays it over /usr.
 */
export function prepareBoot(machine: MachinePlan, options: { slotMounted?: boolean } = {}): void {
  beginBoot(machine.dir, packageVersion());
  if (options.slotMounted) dropLayerReleaseFiles(machine.dir);
}

/** The host variables a machine keeps: where programs are, and how text and time read. */
const MACHINE_ENV_KEYS = ["PATH", "LANG", "LC_ALL", "TZ"] as const;

/**
 * The environment a machine boots with: its own, as a VM's PID 1 has, not
 * the user's shell. NODE_OPTIONS, NODE_EXTRA_CA_CERTS, proxies and the
 * like stay on the host (NODE_EXTRA_CA_CERTS alone costs each agent ~60 ms
 * of startup, reading certificates it never uses).
 */
export function machineEnvironment(host: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of MACHINE_ENV_KEYS) if (host[key] !== undefined) env[key] = host[key];
  return env;
}

/**
 * Starts a machine's outermost process detached: the launcher
 * (common/init.ts), which runs `argv` (one boot) again on each reboot,
 * its output going to the machine's serial console (console.log); records
 * its host pid.
 */
export async function launchMachine(
  machine: MachinePlan,
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<void> {
  mkdirSync(machine.dir, { recursive: true });
  const out = openSync(machinePaths(machine.dir).console, "a");
  const [file, ...args] = launcherArgv(argv);
  try {
    const child = spawn(file as string, args, {
      detached: true,
      stdio: ["ignore", out, out],
      env: machineEnvironment(options.env),
      cwd: options.cwd,
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    const pid = child.pid as number;
    // Gone already: the record stays, so the machine reads "aborted" and up shows its console.
    writePid(providerPidFile(machine.dir), processId(pid) ?? { pid, start: -1 });
    child.unref();
  } finally {
    closeSync(out);
  }
}

/** The machine's outermost process on the host, while it runs. */
function runningProcess(machine: MachinePlan): ProcessId | undefined {
  const id = readPid(providerPidFile(machine.dir));
  return id !== undefined && alive(id) ? id : undefined;
}

/** Host pid of the machine's outermost process, while it runs. */
export function runningPid(machine: MachinePlan): number | undefined {
  return runningProcess(machine)?.pid;
}

/** vagrant's state for a machine from what is on the host. */
export function hostState(
  machine: MachinePlan,
): "running" | "poweroff" | "aborted" | "not created" {
  if (!existsSync(machine.dir)) return "not created";
  if (runningPid(machine) !== undefined) return "running";
  if (existsSync(providerPidFile(machine.dir)) && !existsSync(machinePaths(machine.dir).shutdown)) {
    return "aborted";
  }
  return "poweroff";
}

/**
 * Asks the agent to halt (units stop in reverse order), waits up to graceMs
 * for the machine's processes to end, then kills the process group.
 */
export async function haltAgent(
  machine: MachinePlan,
  graceMs: number,
  kill: (pid: number) => void = (pid) => signal(-pid, "SIGKILL"),
): Promise<"graceful" | "forced"> {
  const id = runningProcess(machine);
  if (id === undefined) {
    removePid(providerPidFile(machine.dir));
    return "graceful";
  }
  let asked = false;
  try {
    const client = await connectMachine(machine.dir);
    try {
      await client.halt();
      asked = true;
    } finally {
      client.close();
    }
  } catch {
    // The agent does not answer: it gets killed below.
  }
  const gone = () => !alive(id);
  let how: "graceful" | "forced" = "graceful";
  if (!asked || !(await waitFor(gone, { timeoutMs: graceMs }))) {
    how = "forced";
    kill(id.pid);
    await waitFor(gone, { timeoutMs: 5_000 });
  }
  removePid(providerPidFile(machine.dir));
  return how;
}

/** Clears what a previous run left that would confuse the next boot's state. */
export function clearRunMarkers(machine: MachinePlan): void {
  const paths = machinePaths(machine.dir);
  rmSync(paths.shutdown, { force: true });
  rmSync(paths.socket, { force: true });
}

/** What the host says about each machine: its state and, while it runs, its outermost pid. */
export async function listMachines(cluster: ClusterPlan): Promise<MachineHostState[]> {
  return cluster.machines.map((m) => {
    const pid = runningPid(m);
    return { name: m.name, state: hostState(m), ...(pid !== undefined ? { pid } : {}) };
  });
}

/** The part of a provider that is the same for all: halt through the agent, state from the host. */
export const agentLifecycle: Pick<Provider, "stop" | "list"> = {
  stop: (_cluster, machine, graceMs) => haltAgent(machine, graceMs),
  list: listMachines,
};

/** The machine's own unit directory, which hides the host's enabled services from it. */
export function ownUnitsDir(machine: MachinePlan): string {
  return unitDirs(machinePaths(machine.dir).root).etc;
}
