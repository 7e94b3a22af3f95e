import { ShoalError, UsageError } from "../../errors/index.js";
import { hostState } from "../providers/index.js";
import { openCluster } from "./open.js";

/** A machine is not running: vagrant's message, exit 1. */
export class NotRunningError extends ShoalError {
  override name = "NotRunningError";
}

/**
 * A shell inside a machine (interactive when command is undefined), or one
 * command whose exit code is returned. With several machines a name is needed.
 */
export async function ssh(
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string | undefined,
  command: string | undefined,
): Promise<number> {
  const { provider, plan } = await openCluster(dir, env, name ? [name] : undefined);
  if (plan.machines.length > 1) {
    throw new UsageError(
      "This command requires a specific VM name to target in a multi-VM environment.",
    );
  }
  const m = plan.machines[0];
  if (!m || hostState(m) !== "running") {
    throw new NotRunningError(
      "VM must be running to open SSH connection. Run `shoal up`\nto start the virtual machine.",
    );
  }
  return provider.exec(plan, m, command, env);
}
