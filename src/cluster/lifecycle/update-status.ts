import { type RebootLockView, readRebootLock } from "../reboot-lock.js";
import { readState } from "../state.js";
import { type MachineReport, status } from "./status.js";

/** A created cluster's machines with their update state, and locksmith's reboot lock. */
export interface ClusterUpdates {
  machines: MachineReport[];
  /** Absent when no etcd member answered (or the key is not locksmith's JSON). */
  rebootLock?: RebootLockView;
}

/**
 * What `shoal updates status` shows of the cluster in `dir`: every
 * machine as `shoal status -o json` sees it, and the lock read through
 * its members. Undefined when no cluster was created there.
 */
export async function clusterUpdates(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<ClusterUpdates | undefined> {
  if (!readState(dir)) return undefined;
  const machines = await status(dir, env, undefined, true);
  const rebootLock = await readRebootLock(
    machines.flatMap((m) => (m.etcd ? [m.etcd.clientUrl] : [])),
  );
  return { machines, ...(rebootLock ? { rebootLock } : {}) };
}
