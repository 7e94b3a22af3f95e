/**
 * On a real 3-member etcd (127.24.11.11-13, etcd's default raft timers):
 * moving leadership off a member before it reboots, and locksmithd's whole
 * flow on two machines sharing the real lock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdClient, memberStatus } from "../../../src/etcd/index.js";
import {
  handOffLeadership,
  type LocksmithdIO,
  locksmithdConfig,
  openRebootLock,
  runLocksmithd,
  UPDATED_NEED_REBOOT,
} from "../../../src/update/locksmith/index.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../../e2e/harness/index.js";

const etcd = new EtcdGroup();
let members: EtcdProcess[] = [];
let urls: string[] = [];

beforeAll(async () => {
  members = await etcd.startCluster(["ls-a", "ls-b", "ls-c"], (i) => `127.24.11.${11 + i}`, {
    fastRaft: false,
  });
  urls = members.map((m) => m.clientUrl);
}, 60_000);
afterAll(async () => {
  await etcd.cleanup();
});

/** The leader as every member sees it, once they agree. */
async function leader(): Promise<{ id: string; url: string }> {
  return waitFor(
    async () => {
      const all = (await Promise.all(urls.map((u) => memberStatus(u)))).map((a) =>
        "value" in a ? a.value : undefined,
      );
      const ids = new Set(all.map((s) => s?.leader));
      if (ids.size !== 1 || all.some((s) => !s || s.leader === "0")) return undefined;
      const id = all[0]?.leader as string;
      const index = all.findIndex((s) => s?.memberId === id);
      return { id, url: urls[index] as string };
    },
    { what: "the members to agree on a leader", timeoutMs: 15_000 },
  );
}

/** Puts a key every 20 ms through all members until stopped; records what was acknowledged. */
function writer(prefix: string) {
  const client = new EtcdClient({ endpoints: urls, requestTimeoutMs: 2000 });
  const acked: string[] = [];
  let failed = 0;
  let longestGapMs = 0;
  let last = Date.now();
  let stop = false;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      const key = `${prefix}/${i}`;
      try {
        await client.put(key, String(i));
        acked.push(key);
        longestGapMs = Math.max(longestGapMs, Date.now() - last);
        last = Date.now();
      } catch {
        failed += 1;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    /** Resolves once n more writes than now were acknowledged. */
    more: (n: number) => {
      const target = acked.length + n;
      return waitFor(() => acked.length >= target, { what: `${n} more acknowledged writes` });
    },
    async finish() {
      stop = true;
      await done;
      const missing: string[] = [];
      for (const key of acked) if ((await client.get(key)) === undefined) missing.push(key);
      client.close();
      return { acked: acked.length, failed, longestGapMs, missing };
    },
  };
}

describe("handing off etcd leadership before a reboot", () => {
  it("moves it to a healthy peer; writes keep succeeding, none lost", async () => {
    const before = await leader();
    const w = writer(`/handoff-${process.pid}`);
    await w.more(10);
    const result = await handOffLeadership(before.url);
    const after = await leader();
    await w.more(10);
    // A few more writes after the move, through every member (the old leader too).
    const direct = await Promise.all(
      urls.map(async (u) => {
        const c = new EtcdClient({ endpoints: [u], requestTimeoutMs: 2000 });
        try {
          await c.put(`/handoff-${process.pid}/direct`, u);
          return true;
        } finally {
          c.close();
        }
      }),
    );
    const writes = await w.finish();
    expect(result.moved).toBe(true);
    expect(result.note).toMatch(/^moved etcd leadership from [0-9a-f]+ to ls-[abc] \([0-9a-f]+\)$/);
    expect(after.id).not.toBe(before.id);
    expect(direct).toEqual([true, true, true]);
    expect(writes.missing).toEqual([]);
    expect(writes.acked).toBeGreaterThan(0);
    console.log(
      `leader hand-off: ${writes.acked} writes acknowledged, ${writes.failed} failed, longest gap ${writes.longestGapMs} ms`,
    );
  });

  it("leaves a member that does not lead alone", async () => {
    const current = await leader();
    const follower = urls.find((u) => u !== current.url) as string;
    expect(await handOffLeadership(follower)).toEqual({
      moved: false,
      note: "this etcd member is not the leader",
    });
    expect((await leader()).id).toBe(current.id);
  });
});

describe("locksmithd on real etcd", () => {
  it("two machines needing a reboot take turns; the leader hands off first; each releases once back", async () => {
    const lead = await leader();
    const group = `turns-${process.pid}`;
    const env = { REBOOT_STRATEGY: "etcd-lock", LOCKSMITHD_GROUP: group };
    const config = locksmithdConfig(env, { etcdRuns: true, defaultEndpoints: urls });
    const machines = [
      { id: "m-leader", url: lead.url },
      { id: "m-follower", url: urls.find((u) => u !== lead.url) as string },
    ];
    const reboots: Array<{ id: string; holders: string[] | null; leaderWasSelf: boolean }> = [];
    const logs: string[] = [];
    const runs: Array<Promise<number>> = [];
    const stops: AbortController[] = [];

    const inspect = await openRebootLock({ endpoints: urls, group });
    const start = (m: { id: string; url: string }, operation: string) => {
      const stop = new AbortController();
      stops.push(stop);
      const io: LocksmithdIO = {
        machineId: m.id,
        log: (l) => logs.push(`${m.id}: ${l}`),
        now: () => new Date(),
        sleep: (ms, signal) =>
          new Promise((r) => {
            const t = setTimeout(r, ms);
            signal.addEventListener(
              "abort",
              () => {
                clearTimeout(t);
                r();
              },
              { once: true },
            );
          }),
        updateEngine: {
          current: async () => operation,
          subscribe: () => () => {},
        },
        openLock: openRebootLock,
        healthy: async () => true,
        handOffLeadership: () => handOffLeadership(m.url),
        async reboot() {
          const answer = await memberStatus(m.url);
          const status = "value" in answer ? answer.value : undefined;
          reboots.push({
            id: m.id,
            holders: (await inspect.get()).holders,
            leaderWasSelf: status?.leader === status?.memberId,
          });
          // The machine goes down; it comes back idle, and its new locksmithd releases the lock.
          stop.abort();
          start(m, "UPDATE_STATUS_IDLE");
        },
      };
      runs.push(runLocksmithd(config, io, stop.signal));
    };
    try {
      for (const m of machines) start(m, UPDATED_NEED_REBOOT);
      await waitFor(
        async () => reboots.length === 2 && (await inspect.get()).holders?.length === 0,
        {
          what: "both machines rebooted and released the lock",
          timeoutMs: 30_000,
        },
      );
    } finally {
      for (const s of stops) s.abort();
      await Promise.all(runs);
      inspect.close();
    }
    // One at a time: each held the lock alone when it rebooted.
    expect(reboots.map((r) => r.holders)).toEqual([[reboots[0]?.id], [reboots[1]?.id]]);
    expect(new Set(reboots.map((r) => r.id))).toEqual(new Set(["m-leader", "m-follower"]));
    expect(reboots.every((r) => !r.leaderWasSelf)).toBe(true);
    expect(logs).toContain("m-leader: Unlocked existing lock for this machine");
    expect(logs).toContain("m-follower: Unlocked existing lock for this machine");
    expect(logs.some((l) => /^m-leader: moved etcd leadership from /.test(l))).toBe(true);
  });
});
