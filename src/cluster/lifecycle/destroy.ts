import { rmSync } from "node:fs";
import { stopLocalServers } from "../local-server.js";
import type { Progress } from "../progress.js";
import { clusterId, PROVIDERS } from "../providers/index.js";
import { registeredClusters, shoalDir, unregisterCluster } from "../state.js";
import { openCluster } from "./open.js";

/**
 * Destroys machines in reverse order, asking for each unless `confirm` is
 * undefined (-f). With every machine gone, also what the cluster held on
 * the host: leftover namespaces and veths, the bridge when no cluster uses
 * it, .shoal/, and the local discovery server when no cluster is left.
 */
export async function destroy(
  dir: string,
  env: NodeJS.ProcessEnv,
  names: string[] | undefined,
  progress: Progress,
  confirm?: (name: string) => Promise<boolean>,
): Promise<{ destroyed: string[]; declined: string[] }> {
  const { state, provider, plan } = await openCluster(dir, env, names);
  const destroyed: string[] = [];
  const declined: string[] = [];
  const chosen: typeof plan.machines = [];
  for (const m of [...plan.machines].reverse()) {
    if (confirm && !(await confirm(m.name))) declined.push(m.name);
    else chosen.push(m);
  }
  await Promise.all(
    chosen.map(async (m) => {
      progress.machine(m.name, "Forcing shutdown of VM...");
      await provider.stop(plan, m, 2_000);
      progress.machine(m.name, "Destroying VM and associated drives...");
      await provider.destroy(plan, m);
      rmSync(m.dir, { recursive: true, force: true });
      destroyed.push(m.name);
    }),
  );
  const everything =
    declined.length === 0 &&
    (!names || names.length === 0 || plan.machines.length === (state?.machines.length ?? 0));
  if (everything) {
    const id = state?.id ?? clusterId(dir);
    // Ask every provider that can run here: a crash may have left either kind of leftover.
    for (const p of PROVIDERS) {
      if ((await p.info(env)).usable) await p.cleanup({ ...plan, id });
    }
    rmSync(shoalDir(dir), { recursive: true, force: true });
    unregisterCluster(id, env);
    if (registeredClusters(env).length === 0) await stopLocalServers(env);
  }
  progress.done();
  return { destroyed, declined };
}
