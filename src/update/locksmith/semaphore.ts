/**
 * locksmith's reboot semaphore, as its JSON sits in etcd:
 * `{"semaphore":N,"max":M,"holders":[...]}`. Pure rules; store.ts applies
 * them with compare-and-swap.
 */

export interface Semaphore {
  /** Free slots: max minus holders, negative after set-max lowered max below the holders. */
  semaphore: number;
  max: number;
  /** Machine ids, kept sorted; null until someone first held the lock, as locksmith writes it. */
  holders: string[] | null;
}

/** Why a change was refused; the messages are locksmith's own. */
export type SemaphoreRefusal = "full" | "holder-exists" | "holder-missing";

export class SemaphoreError extends Error {
  override name = "SemaphoreError";
  constructor(
    readonly refusal: SemaphoreRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** What a fresh key holds: one slot, nobody in it. */
export function newSemaphore(): Semaphore {
  return { semaphore: 1, max: 1, holders: null };
}

/** Takes a slot for id; refused when no slot is free or id already holds one. */
export function lock(sem: Semaphore, id: string): Semaphore {
  if (sem.semaphore <= 0) throw new SemaphoreError("full", `semaphore is at ${sem.semaphore}`);
  const holders = sem.holders ?? [];
  if (holders.includes(id)) throw new SemaphoreError("holder-exists", "holder exists");
  const at = insertionPoint(holders, id);
  return {
    ...sem,
    semaphore: sem.semaphore - 1,
    holders: [...holders.slice(0, at), id, ...holders.slice(at)],
  };
}

/** Gives back id's slot; refused when id holds none. */
export function unlock(sem: Semaphore, id: string): Semaphore {
  const holders = sem.holders ?? [];
  if (!holders.includes(id)) throw new SemaphoreError("holder-missing", "holder does not exist");
  return { ...sem, semaphore: sem.semaphore + 1, holders: holders.filter((h) => h !== id) };
}

/** A new maximum; holders stay, so the free count may go below zero until they unlock. */
export function setMax(sem: Semaphore, max: number): Semaphore {
  return { ...sem, semaphore: sem.semaphore - (sem.max - max), max };
}

function insertionPoint(sorted: readonly string[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The key's value as locksmith writes it: fields in its order. */
export function serializeSemaphore(sem: Semaphore): string {
  return JSON.stringify({ semaphore: sem.semaphore, max: sem.max, holders: sem.holders });
}

/**
 * Reads the key's value. Missing fields are zero (or null holders), as
 * locksmith's decoder leaves them; anything that is not this shape is an
 * error naming the key, so a foreign value is never overwritten blindly.
 */
export function parseSemaphore(text: string, key: string): Semaphore {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${key}: not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${key}: expected an object like {"semaphore":1,"max":1,"holders":null}`);
  }
  const v = value as Record<string, unknown>;
  const int = (field: string): number => {
    const n = v[field] ?? 0;
    if (typeof n !== "number" || !Number.isInteger(n))
      throw new Error(`${key}: "${field}" must be a whole number, not ${JSON.stringify(n)}`);
    return n;
  };
  const holders = v.holders ?? null;
  if (holders !== null && !(Array.isArray(holders) && holders.every((h) => typeof h === "string")))
    throw new Error(`${key}: "holders" must be a list of machine ids or null`);
  return { semaphore: int("semaphore"), max: int("max"), holders: holders as string[] | null };
}
