import { getValue } from "../etcd/index.js";
// Not locksmith's index: that loads the etcd3 client, which a read through the JSON gateway does not need.
import { semaphoreKey } from "../update/locksmith/key.js";
import { newSemaphore, parseSemaphore } from "../update/locksmith/semaphore.js";

/** locksmith's reboot lock as it stands in etcd. */
export interface RebootLockView {
  max: number;
  /** Machine ids holding it. */
  holders: string[];
}

/**
 * The reboot lock's semaphore (the default group's), read from the first
 * of clientUrls that answers: `{ max: 1, holders: [] }` while nobody ever
 * took it, undefined when no member answers or the value is not
 * locksmith's JSON.
 */
export async function readRebootLock(
  clientUrls: readonly string[],
): Promise<RebootLockView | undefined> {
  const key = semaphoreKey();
  for (const url of clientUrls) {
    const answer = await getValue(url, key);
    if ("reason" in answer) continue;
    try {
      const sem = answer.value === undefined ? newSemaphore() : parseSemaphore(answer.value, key);
      return { max: sem.max, holders: sem.holders ?? [] };
    } catch {
      // Not locksmith's JSON (someone wrote the key by hand): no holders to show.
      return undefined;
    }
  }
  return undefined;
}
