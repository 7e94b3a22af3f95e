/**
 * locksmithd's flow with its I/O replaced: a clock that moves only when
 * the daemon sleeps, update_engine as a settable status, the lock as the
 * semaphore rules in memory. The same flow on real etcd is in
 * leader.test.ts.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors/index.js";
import { EtcdUnavailable } from "../../../src/etcd/index.js";
import { NoAnswer } from "../../../src/host/index.js";
import {
  type ChangeFeed,
  type CoordinatorState,
  type DaemonLock,
  type LocksmithdConfig,
  type LocksmithdIO,
  lock,
  locksmithdConfig,
  newSemaphore,
  runLocksmithd,
  type Semaphore,
  setMax,
  UPDATED_NEED_REBOOT,
  type UpdateStatusSource,
  unlock,
} from "../../../src/update/locksmith/index.js";

const ID = "aaaa0000000000000000000000000001";

class FakeUpdateEngine implements UpdateStatusSource {
  private listeners = new Set<(op: string) => void>();
  constructor(public op = "UPDATE_STATUS_IDLE") {}
  async current() {
    return this.op;
  }
  subscribe(fn: (op: string) => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  set(op: string) {
    this.op = op;
    for (const fn of this.listeners) fn(op);
  }
}

/** Everything the daemon touches, recorded. */
function harness(opts: { now?: Date; op?: string; sem?: Semaphore; reachable?: boolean } = {}) {
  const log: string[] = [];
  const sleeps: number[] = [];
  const states: CoordinatorState[] = [];
  const events: string[] = [];
  let now = (opts.now ?? new Date(2026, 10, 26, 12, 0)).getTime();
  const shared = { sem: opts.sem ?? newSemaphore(), reachable: opts.reachable ?? true };
  const changed = new Set<() => void>();
  const ue = new FakeUpdateEngine(opts.op);
  let healthy = true;
  let rebooted: () => void = () => {};
  const rebootedOnce = new Promise<void>((r) => {
    rebooted = r;
  });
  const sleep = async (ms: number, signal: AbortSignal) => {
    sleeps.push(ms);
    if (!signal.aborted) now += ms;
    await new Promise((r) => setImmediate(r));
  };
  const fakeLock: DaemonLock = {
    async lock(id) {
      shared.sem = lock(shared.sem, id);
      for (const fn of changed) fn();
    },
    async unlock(id) {
      shared.sem = unlock(shared.sem, id);
      for (const fn of changed) fn();
    },
    async changes(): Promise<ChangeFeed> {
      let pending = false;
      const mark = () => {
        pending = true;
      };
      changed.add(mark);
      return {
        async next(ms, signal) {
          if (pending) pending = false;
          else await sleep(ms, signal ?? new AbortController().signal);
        },
        async close() {
          changed.delete(mark);
        },
      };
    },
    close() {},
  };
  const io: LocksmithdIO = {
    machineId: ID,
    log: (l) => log.push(l),
    now: () => new Date(now),
    sleep,
    updateEngine: ue,
    async openLock() {
      if (!shared.reachable)
        throw new EtcdUnavailable([
          new NoAnswer(
            "http://127.0.0.1:2379/v3/kv/txn",
            "connection refused",
            Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:2379"), {
              code: "ECONNREFUSED",
              syscall: "connect",
            }),
          ),
        ]);
      events.push("open");
      return fakeLock;
    },
    async healthy() {
      return healthy;
    },
    async handOffLeadership() {
      events.push("hand-off");
      return { moved: true, note: "moved etcd leadership from 1 to core-02 (2)" };
    },
    async reboot() {
      events.push(`reboot holders=${JSON.stringify(shared.sem.holders)}`);
      rebooted();
    },
    setState: (s) => states.push(s),
  };
  const abort = new AbortController();
  const run = (config: LocksmithdConfig) => runLocksmithd(config, io, abort.signal);
  return {
    io,
    ue,
    log,
    sleeps,
    states,
    events,
    shared,
    abort,
    run,
    rebootedOnce,
    setHealthy: (h: boolean) => {
      healthy = h;
    },
  };
}

const config = (env: NodeJS.ProcessEnv, etcdRuns = true) =>
  locksmithdConfig(env, { etcdRuns, defaultEndpoints: ["http://127.17.8.101:2379"] });

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

describe("locksmithd's configuration", () => {
  it.each([
    [{}, true, "etcd-lock"],
    [{}, false, "reboot"],
    [{ REBOOT_STRATEGY: "reboot" }, true, "reboot"],
    [{ REBOOT_STRATEGY: "best-effort" }, false, "best-effort"],
    [{ REBOOT_STRATEGY: "off" }, true, "off"],
  ])("strategy from %j (etcd runs: %s) is %s", (env, etcdRuns, strategy) => {
    expect(config(env, etcdRuns).strategy).toBe(strategy);
  });

  it("reads the window (new and legacy names) and the LOCKSMITHD_ connection", () => {
    const c = config({
      REBOOT_WINDOW_START: "Thu 04:00",
      LOCKSMITHD_REBOOT_WINDOW_LENGTH: "1h",
      LOCKSMITHD_ENDPOINT: "http://a:2379, http://b:2379",
      LOCKSMITHD_GROUP: "lb",
      LOCKSMITHD_ETCD_CAFILE: "/etc/ssl/ca.pem",
    });
    expect(c.window).toEqual({
      start: "Thu 04:00",
      length: "1h",
      parsed: { day: 4, hour: 4, minute: 0, lengthMs: 3_600_000 },
    });
    expect(c.connection).toMatchObject({
      endpoints: ["http://a:2379", "http://b:2379"],
      group: "lb",
      caFile: "/etc/ssl/ca.pem",
    });
    expect(config({}).connection.endpoints).toEqual(["http://127.17.8.101:2379"]);
  });

  it.each([
    [{ REBOOT_STRATEGY: "sometimes" }, 'unknown reboot strategy "sometimes"', "REBOOT_STRATEGY"],
    [
      { LOCKSMITHD_REBOOT_WINDOW_START: "04:00" },
      "Either both or neither $REBOOT_WINDOW_START and $REBOOT_WINDOW_LENGTH must be set",
      "REBOOT_WINDOW_LENGTH",
    ],
    [
      { REBOOT_WINDOW_START: "Someday 04:00", REBOOT_WINDOW_LENGTH: "1h" },
      'Error parsing reboot window: unable to parse start: invalid day of week "Someday"',
      "REBOOT_WINDOW_START",
    ],
  ])("refuses %j", (env, message, key) => {
    let err: unknown;
    try {
      config(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain(message);
    expect((err as InputError).position?.key).toBe(key);
  });
});

describe("locksmithd's flow", () => {
  it("off: says so and exits 0, touching nothing", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT });
    expect(await h.run(config({ REBOOT_STRATEGY: "off" }))).toBe(0);
    expect(h.log).toEqual(['Reboot strategy is "off" - locksmithd is exiting.']);
    expect(h.events).toEqual([]);
  });

  it("reboot: waits for UPDATE_STATUS_UPDATED_NEED_REBOOT, then reboots without the lock", async () => {
    const h = harness();
    const done = h.run(config({ REBOOT_STRATEGY: "reboot" }));
    await until(() => h.states.includes("running"), "running");
    h.ue.set("UPDATE_STATUS_DOWNLOADING");
    await new Promise((r) => setImmediate(r));
    expect(h.events).toEqual([]);
    h.ue.set(UPDATED_NEED_REBOOT);
    await h.rebootedOnce;
    expect(h.events).toEqual(["hand-off", "reboot holders=null"]);
    expect(h.log).toContain(
      'locksmithd starting currentOperation="UPDATE_STATUS_IDLE" strategy="reboot"',
    );
    h.abort.abort();
    expect(await done).toBe(0);
    expect(h.states).toEqual(["starting", "running", "reboot-planned", "rebooting"]);
  });

  it("etcd-lock: holds the lock when it reboots, after handing off leadership", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT });
    const done = h.run(config({}));
    await h.rebootedOnce;
    expect(h.events.slice(-2)).toEqual(["hand-off", `reboot holders=["${ID}"]`]);
    h.abort.abort();
    expect(await done).toBe(0);
  });

  it("etcd-lock: waits with locksmith's backoff while the lock is full, and goes when a slot frees", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT, sem: lock(newSemaphore(), "other") });
    const done = h.run(config({}));
    await until(() => h.sleeps.length >= 7, "seven retries");
    expect(h.sleeps.slice(0, 7)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000,
    ]);
    expect(h.log).toContain("Failed to acquire lock: semaphore is at 0. Retrying in 10s.");
    expect(h.log).toContain("Failed to acquire lock: semaphore is at 0. Retrying in 5m0s.");
    expect(h.events).not.toContain(expect.stringMatching(/^reboot/));
    h.shared.sem = unlock(h.shared.sem, "other");
    await h.rebootedOnce;
    expect(h.events.at(-1)).toBe(`reboot holders=["${ID}"]`);
    h.abort.abort();
    expect(await done).toBe(0);
  });

  it("etcd-lock: a change of the key that frees no slot wakes it without growing the backoff", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT, sem: lock(newSemaphore(), "other") });
    const open = h.io.openLock.bind(h.io);
    let churn = 1;
    h.io.openLock = async (conn) => {
      const real = await open(conn);
      return {
        ...real,
        async lock(id) {
          try {
            await real.lock(id);
          } catch (err) {
            // Meanwhile the holder gives its slot back and takes it again: two changes, no slot.
            if (churn-- > 0) {
              await real.unlock("other");
              await real.lock("other");
            }
            throw err;
          }
        },
      };
    };
    const done = h.run(config({}));
    await until(() => h.sleeps.length >= 2, "two timed-out waits");
    expect(h.log.filter((l) => l.startsWith("Failed to acquire lock"))).toEqual([
      "Failed to acquire lock: semaphore is at 0. Retrying in 10s.",
      "Failed to acquire lock: semaphore is at 0. Retrying in 10s.",
      "Failed to acquire lock: semaphore is at 0. Retrying in 20s.",
    ]);
    h.abort.abort();
    expect(await done).toBe(0);
  });

  it("etcd-lock: after the reboot, gives the slot back only once the machine is healthy", async () => {
    const h = harness({ sem: lock(setMax(newSemaphore(), 2), ID) });
    h.setHealthy(false);
    const done = h.run(config({}));
    await until(() => h.sleeps.length >= 3, "health polls");
    expect(h.shared.sem.holders).toEqual([ID]);
    h.setHealthy(true);
    await until(() => h.log.includes("Unlocked existing lock for this machine"), "the unlock");
    expect(h.shared.sem).toEqual({ semaphore: 2, max: 2, holders: [] });
    expect(h.events).not.toContain(expect.stringMatching(/^reboot/));
    h.abort.abort();
    expect(await done).toBe(0);
  });

  it("etcd-lock: an etcd that cannot be reached at reboot time ends the daemon with 1", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT, reachable: false });
    expect(await h.run(config({}))).toBe(1);
    expect(h.log).toContain(
      "Failed to set up lock: Error initializing etcd client: client: etcd cluster is unavailable or misconfigured; error #0: dial tcp 127.0.0.1:2379: connect: ECONNREFUSED",
    );
    expect(h.events).toEqual([]);
  });

  it("best-effort: takes the lock when etcd answers, reboots without it when not", async () => {
    const up = harness({ op: UPDATED_NEED_REBOOT });
    const running = up.run(config({ REBOOT_STRATEGY: "best-effort" }));
    await up.rebootedOnce;
    expect(up.events.at(-1)).toBe(`reboot holders=["${ID}"]`);
    up.abort.abort();
    await running;

    const down = harness({ op: UPDATED_NEED_REBOOT, reachable: false });
    const alone = down.run(config({ REBOOT_STRATEGY: "best-effort" }));
    await down.rebootedOnce;
    expect(down.events).toEqual(["hand-off", "reboot holders=null"]);
    expect(down.log.some((l) => l.startsWith("etcd is not reachable ("))).toBe(true);
    down.abort.abort();
    expect(await alone).toBe(0);
  });

  it("ends with 1 when update_engine does not answer, its release loop stopped", async () => {
    const h = harness({ sem: lock(newSemaphore(), ID) });
    h.setHealthy(false);
    h.io.updateEngine.current = async () => {
      throw new Error("update-engine.service is not running");
    };
    expect(await h.run(config({}))).toBe(1);
    expect(h.log).toContain(
      "Cannot get update engine status: update-engine.service is not running",
    );
    const polls = h.sleeps.length;
    await new Promise((r) => setImmediate(r));
    expect(h.sleeps.length).toBe(polls);
  });

  it("stops at once while update_engine has not answered yet, even when stopped before it began", async () => {
    for (const early of [true, false]) {
      const h = harness();
      h.io.updateEngine.current = () => new Promise<string>(() => {}); // never answers
      if (early) h.abort.abort();
      const ran = h.run(config({ REBOOT_STRATEGY: "reboot" }));
      if (!early) h.abort.abort();
      expect(await ran).toBe(0);
      expect(h.events).toEqual([]);
    }
  });

  it("waits for the reboot window before taking the lock", async () => {
    // Thursday 12:00; the window opens Friday 04:00.
    const h = harness({ op: UPDATED_NEED_REBOOT, now: new Date(2026, 10, 26, 12, 0) });
    const done = h.run(
      config({
        LOCKSMITHD_REBOOT_WINDOW_START: "Fri 04:00",
        LOCKSMITHD_REBOOT_WINDOW_LENGTH: "1h",
      }),
    );
    await h.rebootedOnce;
    expect(h.log).toContain('Reboot window start is "Fri 04:00" and length is "1h"');
    expect(h.log).toContain("Waiting for 16h0m0s to reboot.");
    expect(h.sleeps).toContain(16 * 3_600_000);
    expect(h.io.now()).toEqual(new Date(2026, 10, 27, 4, 0));
    expect(h.events.at(-1)).toBe(`reboot holders=["${ID}"]`);
    h.abort.abort();
    await done;
  });

  it("inside the window it does not wait", async () => {
    const h = harness({ op: UPDATED_NEED_REBOOT, now: new Date(2026, 10, 27, 4, 30) });
    const done = h.run(
      config({
        LOCKSMITHD_REBOOT_WINDOW_START: "Fri 04:00",
        LOCKSMITHD_REBOOT_WINDOW_LENGTH: "1h",
      }),
    );
    await h.rebootedOnce;
    expect(h.log.some((l) => l.startsWith("Waiting for"))).toBe(false);
    h.abort.abort();
    await done;
  });
});
