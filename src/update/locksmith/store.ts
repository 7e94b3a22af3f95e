/**
 * The reboot lock in etcd v3. Every change reads the value with its
 * mod revision and writes it back in a transaction that compares that
 * revision, so two machines never both win the last slot; a lost race is
 * retried on a fresh read.
 */
import { compare, EtcdClient, EtcdUnavailable, type Kv, op } from "../../etcd/index.js";
import { semaphoreKey } from "./key.js";
import {
  lock,
  newSemaphore,
  parseSemaphore,
  type Semaphore,
  serializeSemaphore,
  setMax,
  unlock,
} from "./semaphore.js";

export interface LockConnection {
  endpoints: string[];
  group?: string;
  /** Deadline of each request; the etcd it talks to may be down. */
  requestTimeoutMs?: number;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  password?: string;
}

/**
 * An etcd client error in the words locksmith's etcd client used for an
 * unreachable cluster, each member's cause numbered as it numbered them.
 */
export function etcdErrorText(err: unknown): string {
  if (!(err instanceof EtcdUnavailable)) return err instanceof Error ? err.message : String(err);
  const why = err.attempts.map((a, i) => {
    const cause = a.cause as NodeJS.ErrnoException | undefined;
    const host = new URL(a.url).host;
    if (cause?.syscall === "connect")
      return `error #${i}: dial tcp ${host}: connect: ${cause.code}`;
    // TLS refusals read as Go's (`remote error: tls: ...`) name no address.
    return `error #${i}: ${a.reason.startsWith("remote error") ? "" : `${host}: `}${a.reason}`;
  });
  return `client: etcd cluster is unavailable or misconfigured${why.map((w) => `; ${w}`).join("")}`;
}

export interface ChangeFeed {
  /**
   * Resolves at the first change since the last call (at once if one came
   * in between), after ms at the latest, or when signal aborts.
   */
  next(ms: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Raised when every compare-and-swap attempt lost to another writer. */
export class LockContention extends Error {
  override name = "LockContention";
}

const ATTEMPTS = 200;

export class RebootLock {
  readonly key: string;
  /** Writes that lost a race and were retried, for tests and logs. */
  conflicts = 0;

  constructor(
    readonly client: Kv & { close?(): void },
    readonly group = "",
  ) {
    this.key = semaphoreKey(group);
  }

  /** Creates the key with one free slot unless it exists; an existing key is left alone. */
  async init(): Promise<void> {
    await this.client.txn({
      compare: [compare(this.key, "Create", "==", 0)],
      success: [op.put(this.key, serializeSemaphore(newSemaphore()))],
    });
  }

  /** The semaphore now, or the fresh one a first use would create. */
  async get(): Promise<Semaphore> {
    return (await this.read()).sem;
  }

  private async read(): Promise<{ sem: Semaphore; modRevision: string }> {
    const kv = await this.client.get(this.key);
    if (!kv) return { sem: newSemaphore(), modRevision: "0" };
    return { sem: parseSemaphore(kv.value, this.key), modRevision: kv.modRevision };
  }

  /**
   * Applies change to the current value and writes it only if nobody wrote
   * in between (a missing key has mod revision 0, so this also creates it).
   * A refusal from change (SemaphoreError) is thrown as is.
   */
  async update(
    change: (sem: Semaphore) => Semaphore | Promise<Semaphore>,
  ): Promise<{ before: Semaphore; after: Semaphore }> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const { sem, modRevision } = await this.read();
      const after = await change(sem);
      const res = await this.client.txn({
        compare: [compare(this.key, "Mod", "==", modRevision)],
        success: [op.put(this.key, serializeSemaphore(after))],
      });
      if (res.succeeded) return { before: sem, after };
      this.conflicts += 1;
      // Lost to another writer: back off a little, randomly, so contenders spread out.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(5 * attempt, 100)));
    }
    throw new LockContention(`${this.key}: gave up after ${ATTEMPTS} conflicting writes`);
  }

  /**
   * Changes of the key from now on, so a machine waiting for a free slot
   * tries again as soon as one is given back instead of on its next backoff.
   */
  async changes(): Promise<ChangeFeed> {
    let pending = false;
    let wake: (() => void) | undefined;
    const changed = () => {
      pending = true;
      wake?.();
    };
    const watcher = await this.client.watch(
      this.key,
      {},
      {
        onEvents: (events) => events.some((e) => e.type === "put") && changed(),
        onCompacted: changed,
      },
    );
    return {
      next: (ms, signal) =>
        new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            wake = undefined;
            pending = false;
            resolve();
          };
          const timer = setTimeout(done, pending || signal?.aborted ? 0 : ms);
          signal?.addEventListener("abort", done, { once: true });
          wake = done;
        }),
      close: () => watcher.cancel(),
    };
  }

  close(): void {
    this.client.close?.();
  }

  lock(id: string): Promise<{ before: Semaphore; after: Semaphore }> {
    return this.update((sem) => lock(sem, id));
  }

  unlock(id: string): Promise<{ before: Semaphore; after: Semaphore }> {
    return this.update((sem) => unlock(sem, id));
  }

  setMax(max: number): Promise<{ before: Semaphore; after: Semaphore }> {
    return this.update((sem) => setMax(sem, max));
  }
}

/**
 * A lock on the cluster's etcd, its key created if absent (as locksmith
 * does on every start). Close it with `lock.close()`.
 */
export async function openRebootLock(conn: LockConnection): Promise<RebootLock> {
  const tls = {
    ...(conn.caFile !== undefined ? { caFile: conn.caFile } : {}),
    ...(conn.certFile ? { certFile: conn.certFile } : {}),
    ...(conn.keyFile ? { keyFile: conn.keyFile } : {}),
  };
  const client = new EtcdClient({
    endpoints: conn.endpoints,
    requestTimeoutMs: conn.requestTimeoutMs ?? 5_000,
    tls,
    ...(conn.username ? { auth: { username: conn.username, password: conn.password ?? "" } } : {}),
  });
  const rebootLock = new RebootLock(client, conn.group);
  try {
    await rebootLock.init();
  } catch (err) {
    client.close();
    throw err;
  }
  return rebootLock;
}
