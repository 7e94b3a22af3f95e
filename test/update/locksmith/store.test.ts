/** The reboot lock on a real etcd (127.24.11.1): compare-and-swap under contention, upstream's refusals. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdClient } from "../../../src/etcd/index.js";
import {
  parseSemaphore,
  RebootLock,
  type Semaphore,
  semaphoreKey,
} from "../../../src/update/locksmith/index.js";
import { EtcdGroup } from "../../e2e/harness/index.js";

const etcd = new EtcdGroup();
let endpoint = "";
let admin: EtcdClient;
let groupCounter = 0;

beforeAll(async () => {
  const [member] = await etcd.startCluster(["locksmith"], () => "127.24.11.1");
  endpoint = (member as { clientUrl: string }).clientUrl;
  admin = new EtcdClient({ endpoints: [endpoint] });
});
afterAll(async () => {
  admin?.close();
  await etcd.cleanup();
});

/** A lock in a group of its own, so tests sharing the member never see each other. */
async function freshLock(client = admin): Promise<RebootLock> {
  groupCounter += 1;
  const lock = new RebootLock(client, `test ${process.pid}/${groupCounter}`);
  await lock.init();
  return lock;
}

async function stored(lock: RebootLock): Promise<{ sem: Semaphore; mod: string }> {
  const kv = await admin.get(lock.key);
  if (!kv) throw new Error(`${lock.key} missing`);
  return { sem: parseSemaphore(kv.value, lock.key), mod: kv.modRevision };
}

describe("the reboot lock in etcd v3", () => {
  it("lives under locksmith's key, groups query-escaped", () => {
    expect(semaphoreKey()).toBe("coreos.com/updateengine/rebootlock/semaphore");
    expect(semaphoreKey("lb west/1")).toBe(
      "coreos.com/updateengine/rebootlock/groups/lb+west%2F1/semaphore",
    );
  });

  it("creates the key once, with locksmith's JSON, and leaves an existing key alone", async () => {
    const lock = await freshLock();
    const res = (await admin.get(lock.key))?.value;
    expect(res).toBe('{"semaphore":1,"max":1,"holders":null}');
    await lock.setMax(4);
    await lock.init();
    expect((await stored(lock)).sem).toEqual({ semaphore: 4, max: 4, holders: null });
  });

  it("locks and unlocks by machine id, and refuses an unlock by a non-holder", async () => {
    const lock = await freshLock();
    await lock.lock("m1");
    expect((await stored(lock)).sem).toEqual({ semaphore: 0, max: 1, holders: ["m1"] });
    await expect(lock.lock("m2")).rejects.toThrow("semaphore is at 0");
    await expect(lock.lock("m1")).rejects.toThrow("semaphore is at 0");

    const before = await stored(lock);
    await expect(lock.unlock("m2")).rejects.toThrow("holder does not exist");
    const after = await stored(lock);
    expect(after.mod).toBe(before.mod); // a refusal writes nothing
    await lock.unlock("m1");
    expect((await stored(lock)).sem).toEqual({ semaphore: 1, max: 1, holders: [] });
  });

  it("set-max below the current holders keeps them and lets nobody in until enough unlock", async () => {
    const lock = await freshLock();
    await lock.setMax(3);
    for (const id of ["c", "a", "b"]) await lock.lock(id);
    const { before, after } = await lock.setMax(1);
    expect(before.max).toBe(3);
    expect(after).toEqual({ semaphore: -2, max: 1, holders: ["a", "b", "c"] });
    await expect(lock.lock("d")).rejects.toThrow("semaphore is at -2");
    await lock.unlock("a");
    await lock.unlock("b");
    await expect(lock.lock("d")).rejects.toThrow("semaphore is at 0");
    await lock.unlock("c");
    await lock.lock("d");
    expect((await stored(lock)).sem).toEqual({ semaphore: 0, max: 1, holders: ["d"] });
  });

  it("retries a write that lost the race, on a fresh read, losing nobody's change", async () => {
    const lock = await freshLock();
    await lock.setMax(2);
    let calls = 0;
    await lock.update(async (sem) => {
      calls += 1;
      // Another machine takes a slot between our read and our write, once.
      if (calls === 1) await new RebootLock(admin, lock.group).lock("theirs");
      return { ...sem, semaphore: sem.semaphore - 1, holders: [...(sem.holders ?? []), "mine"] };
    });
    expect(calls).toBe(2);
    expect(lock.conflicts).toBe(1);
    expect((await stored(lock)).sem).toEqual({ semaphore: 0, max: 2, holders: ["theirs", "mine"] });
  });

  it("never lets more machines hold it than max, with many contenders racing", async () => {
    const MAX = 3;
    const CONTENDERS = 16;
    const ROUNDS = 3;
    const setup = await freshLock();
    await setup.setMax(MAX);
    const seen: Semaphore[] = [];
    const watcher = await admin.watch(
      setup.key,
      {},
      {
        onEvents: (events) => {
          for (const e of events)
            if (e.type === "put") seen.push(parseSemaphore(e.value, setup.key));
        },
      },
    );

    const clients = Array.from(
      { length: CONTENDERS },
      () => new EtcdClient({ endpoints: [endpoint] }),
    );
    const locks = clients.map((c) => new RebootLock(c, setup.group));
    let held = 0;
    let peak = 0;
    try {
      await Promise.all(
        locks.map(async (lock, i) => {
          const id = `machine-${String(i).padStart(2, "0")}`;
          for (let round = 0; round < ROUNDS; round++) {
            for (;;) {
              try {
                await lock.lock(id);
                break;
              } catch (err) {
                if (!/semaphore is at/.test((err as Error).message)) throw err;
                await new Promise((r) => setTimeout(r, Math.random() * 5));
              }
            }
            held += 1;
            peak = Math.max(peak, held);
            await new Promise((r) => setTimeout(r, Math.random() * 5));
            held -= 1;
            await lock.unlock(id);
          }
        }),
      );
      const last = (await stored(setup)).sem;
      await waitForWatch(() => seen.length > 0 && equal(seen[seen.length - 1], last));
    } finally {
      await watcher.cancel();
      for (const c of clients) c.close();
    }
    // Every value etcd ever held under the key is a consistent semaphore within max.
    for (const sem of seen) {
      expect(sem.holders?.length ?? 0).toBeLessThanOrEqual(MAX);
      expect(sem.semaphore).toBe(MAX - (sem.holders?.length ?? 0));
    }
    // Each lock and each unlock is one write: nothing lost, nothing doubled.
    expect(seen.length).toBe(CONTENDERS * ROUNDS * 2);
    expect(peak).toBeLessThanOrEqual(MAX);
    expect(seen.some((s) => (s.holders?.length ?? 0) === MAX)).toBe(true);
    expect((await stored(setup)).sem).toEqual({ semaphore: MAX, max: MAX, holders: [] });
    expect(locks.reduce((n, l) => n + l.conflicts, 0)).toBeGreaterThan(0);
  });
});

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function waitForWatch(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("the watch never caught up with the key");
    await new Promise((r) => setTimeout(r, 10));
  }
}
