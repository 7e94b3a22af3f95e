import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { InputError, UsageError } from "../../errors/index.js";
import { USER_DATA_TEMPLATE } from "../init.js";
import type { Progress } from "../progress.js";
import type { ClusterPlan, Provider } from "../providers/index.js";
import { chooseProvider, clusterId, machineName, providerByName } from "../providers/index.js";
import { loadSpec } from "../spec/load.js";
import type { ClusterSpec } from "../spec/types.js";
import { type ClusterState, machineDir, readState } from "../state.js";
import { Interrupted, type Step, type UpContext, type UpOptions } from "./context.js";
import { discoveryToken } from "./discovery-token.js";
import { ensureTools } from "./ensure-tools.js";
import { prepareNetwork } from "./prepare-network.js";
import { startMachines } from "./start-machines.js";
import { updateKeyInstall, updateServer, updateServerStart } from "./update-server.js";
import { validateUserData } from "./validate-user-data.js";
import { waitReady } from "./wait-ready.js";
import { writeConfigDrives } from "./write-config-drives.js";

/** `up`, in order; each step records on ctx.cleanup how to undo what it made. */
export const UP_STEPS: readonly Step[] = [
  validateUserData,
  ensureTools,
  prepareNetwork,
  discoveryToken,
  updateServer,
  writeConfigDrives,
  startMachines,
  updateKeyInstall,
  waitReady,
  updateServerStart,
];

export interface UpResult {
  provider: string;
  discoveryUrl: string;
  machines: Array<{ name: string; address: string }>;
}

/**
 * Creates (or boots again) the cluster of a directory: plans every name,
 * address and id first, then runs the steps. When a step fails or Ctrl-C
 * comes, what this run created is undone in reverse order (unless retain).
 */
export async function up(options: UpOptions, steps: readonly Step[] = UP_STEPS): Promise<UpResult> {
  const spec = loadSpec(options.dir, options.env);
  const userDataText = readUserData(spec, options.progress);
  const previous = readState(spec.dir);
  const provider = await pickProvider(spec, previous, options);
  const plan = selectMachines(planCluster(spec, previous, provider), options.names);
  for (const note of spec.notes) {
    const where = note.line
      ? `${note.file}:${note.line}${note.endLine ? `-${note.endLine}` : ""}`
      : note.file;
    options.progress.say(`${where}: note: ${note.message}`);
  }
  for (const m of plan.machines) {
    options.progress.say(`Bringing machine '${m.name}' up with '${provider.name}' provider...`);
  }
  const ctx: UpContext = {
    options,
    spec,
    progress: options.progress,
    userDataText,
    ...(previous ? { previous } : {}),
    provider,
    plan,
    discoveryUrl: "",
    etcdSections: previous?.etcdSections ?? [],
    cleanup: [],
  };
  try {
    for (const step of steps) {
      if (options.signal.aborted) throw new Interrupted();
      options.progress.step(step.name);
      await step.run(ctx);
    }
    if (options.signal.aborted) throw new Interrupted();
  } catch (err) {
    if (!options.retain) await unwind(ctx);
    throw err;
  } finally {
    options.progress.done();
  }
  return {
    provider: provider.name,
    discoveryUrl: ctx.discoveryUrl,
    machines: plan.machines.map((m) => ({ name: m.name, address: m.address })),
  };
}

async function unwind(ctx: UpContext): Promise<void> {
  for (const { what, undo } of ctx.cleanup.reverse()) {
    try {
      await undo();
    } catch (err) {
      ctx.progress.say(`could not clean up ${what}: ${(err as Error).message}`);
    }
  }
}

/**
 * The user's user-data; in a directory with no cluster config and no
 * user-data at all, the one `shoal init` would write, so that a bare
 * `shoal up` brings up the default cluster as `vagrant up` did.
 */
function readUserData(spec: ClusterSpec, progress: Progress): string {
  try {
    return readFileSync(spec.userData, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") {
      throw new InputError(`cannot read the user-data file: ${(err as Error).message}`, {
        file: spec.userData,
      });
    }
    if (spec.source === "defaults" && !existsSync(spec.userData)) {
      progress.say(
        "no shoal.yaml, config.rb or user-data here: using the built-in user-data (`shoal init` writes it out to edit)",
      );
      return USER_DATA_TEMPLATE;
    }
    throw new InputError(
      "no user-data file",
      { file: spec.userData },
      "write one with `shoal init`, or point userData in shoal.yaml at yours",
    );
  }
}

async function pickProvider(
  spec: ClusterSpec,
  previous: ClusterState | undefined,
  options: UpOptions,
): Promise<Provider> {
  const wanted = options.provider ?? spec.provider;
  if (previous) {
    if (wanted !== "auto" && wanted !== previous.provider) {
      throw new InputError(
        `this cluster was created with the ${previous.provider} provider, not ${wanted}`,
        { file: spec.source },
        "run `shoal destroy` first to change providers",
      );
    }
    return providerByName(previous.provider);
  }
  return chooseProvider(wanted, options.env);
}

/** The named machines of a plan, in plan order; an unknown name is a usage error. */
export function selectMachines(
  plan: ClusterPlan,
  names: readonly string[] | undefined,
): ClusterPlan {
  if (!names || names.length === 0) return plan;
  for (const name of names) {
    if (!plan.machines.some((m) => m.name === name)) {
      throw new UsageError(
        `no machine named '${name}' in this cluster (machines: ${plan.machines.map((m) => m.name).join(", ")})`,
      );
    }
  }
  return { ...plan, machines: plan.machines.filter((m) => names.includes(m.name)) };
}

/** Every machine's name, directory, address and id, decided before anything is created. */
export function planCluster(
  spec: ClusterSpec,
  previous: ClusterState | undefined,
  provider: Provider,
): ClusterPlan {
  const prefix = previous?.namePrefix ?? spec.namePrefix;
  const subnet = previous?.subnet ?? spec.subnet;
  const machines = Array.from({ length: spec.instances }, (_, i) => {
    const index = i + 1;
    const name = machineName(prefix, index);
    const known = previous?.machines.find((m) => m.name === name);
    return {
      index,
      name,
      dir: machineDir(spec.dir, name),
      address: provider.address(subnet, index),
      machineId: known?.machineId ?? randomBytes(16).toString("hex"),
    };
  });
  return { id: previous?.id ?? clusterId(spec.dir), dir: spec.dir, subnet, machines };
}
