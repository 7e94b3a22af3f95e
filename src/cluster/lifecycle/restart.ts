import { ShoalError } from "../../errors/index.js";
import type { Progress } from "../progress.js";
import type { ProvisionOptions, ReloadOptions } from "../up/context.js";
import { discoveryToken } from "../up/discovery-token.js";
import { reprovisionMachines } from "../up/reprovision.js";
import { startMachines } from "../up/start-machines.js";
import { type UpResult, up } from "../up/up.js";
import { updateKeyInstall, updateServer, updateServerStart } from "../up/update-server.js";
import { validateUserData } from "../up/validate-user-data.js";
import { waitReady } from "../up/wait-ready.js";
import { writeConfigDrives } from "../up/write-config-drives.js";
import { halt } from "./halt.js";
import { openCluster } from "./open.js";

/** Cluster must exist for reload and provision. */
async function requireCreated(dir: string, env: NodeJS.ProcessEnv, verb: string): Promise<void> {
  const { state } = await openCluster(dir, env);
  if (!state) {
    throw new ShoalError(`the cluster in ${dir} is not created, so there is nothing to ${verb}`, {
      hint: `run \`shoal up\` before \`shoal ${verb}\``,
    });
  }
}

/**
 * `reload`: halt, then boot again from the same config drives (data kept,
 * user-data not re-read, as vagrant's reload skipped provisioning).
 */
export async function reload(options: ReloadOptions, haltProgress: Progress): Promise<UpResult> {
  await requireCreated(options.dir, options.env, "reload");
  await halt(options.dir, options.env, options.names, haltProgress);
  const { timeoutMs, ...run } = options;
  return up({ ...run, wait: { timeoutMs }, retain: false }, [
    discoveryToken,
    updateServer,
    startMachines,
    updateKeyInstall,
    waitReady,
    updateServerStart,
  ]);
}

/**
 * `provision`: validate user-data again, rewrite the running machines'
 * config drives with it (same token), and have each agent apply it now.
 */
export async function provision(options: ProvisionOptions): Promise<UpResult> {
  await requireCreated(options.dir, options.env, "provision");
  // A failed provision must not unwind: the machines it touched were running before it.
  return up({ ...options, wait: false, retain: true }, [
    validateUserData,
    discoveryToken,
    updateServer,
    writeConfigDrives,
    reprovisionMachines,
    updateServerStart,
  ]);
}
