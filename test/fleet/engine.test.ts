import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EtcdClient } from "../../src/etcd/index.js";
import {
  Engine,
  parseUnitFile,
  type Registry,
  serializeUnit,
  unitHash,
} from "../../src/fleet/index.js";
import { EtcdGroup, waitFor } from "../e2e/harness/index.js";
import { client, freshRegistry, publishMachine } from "./helpers.js";

// The etcd of this file lives on 127.21.1.1.
const etcd = new EtcdGroup();
let etcdClient: EtcdClient;
const owned: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const [member] = await etcd.startCluster(["fleet-engine"], () => "127.21.1.1");
  etcdClient = client([(member as { clientUrl: string }).clientUrl]);
});
afterAll(async () => {
  etcdClient?.close();
  await etcd.cleanup();
});
afterEach(async () => {
  for (const fn of owned.splice(0).reverse()) await fn();
});

const A = "aaaaaaaa000000000000000000000001";
const B = "bbbbbbbb000000000000000000000002";
const C = "cccccccc000000000000000000000003";

async function submit(
  registry: Registry,
  name: string,
  text: string,
  desired: "inactive" | "loaded" | "launched" = "launched",
) {
  const options = parseUnitFile(text).options;
  await registry.createJob(name, serializeUnit(options), unitHash(options), desired);
}

function engine(registry: Registry, machineId: string, reconcileIntervalMs = 200): Engine {
  const e = new Engine({ registry, machineId, reconcileIntervalMs });
  owned.push(() => e.stop());
  return e;
}

async function target(registry: Registry, unit: string) {
  return (await registry.job(unit))?.target;
}

describe("engine on a real etcd", () => {
  it("places units on the least-loaded machine and says why one cannot be placed", async () => {
    const registry = freshRegistry(etcdClient);
    for (const id of [A, B]) {
      const lease = await publishMachine(registry, id, { role: id === B ? "db" : "web" });
      owned.push(() => lease.revoke());
    }
    await submit(registry, "one.service", "[Service]\nExecStart=/bin/true\n");
    await submit(registry, "two.service", "[Service]\nExecStart=/bin/true\n");
    await submit(registry, "db.service", "[X-Fleet]\nMachineMetadata=role=db\n");
    await submit(registry, "cache.service", "[X-Fleet]\nMachineMetadata=role=cache\n");
    // Submitted before the engine starts, so one pass places them all, in name order.
    await engine(registry, A).start();
    await waitFor(async () => (await registry.job("cache.service"))?.unplaceable, {
      what: "cache.service marked unplaceable",
    });
    const snap = await registry.snapshot();
    const targets = Object.fromEntries(snap.jobs.map((j) => [j.name, j.target ?? null]));
    expect(targets["db.service"]).toBe(B);
    expect(targets["cache.service"]).toBeNull();
    // Least-loaded, ties by machine ID: db.service loads B, so both plain units go to A.
    expect(targets["one.service"]).toBe(A);
    expect(targets["two.service"]).toBe(A);
    expect((await registry.job("cache.service"))?.unplaceable).toBe(
      "aaaaaaaa: metadata role=web does not match MachineMetadata role=cache; bbbbbbbb: metadata role=db does not match MachineMetadata role=cache",
    );
    // A machine that fits arrives: the unit is placed and the reason goes away.
    const lease = await publishMachine(registry, C, { role: "cache" });
    owned.push(() => lease.revoke());
    await waitFor(async () => (await target(registry, "cache.service")) === C, {
      what: "cache.service placed on the new machine",
    });
    expect((await registry.job("cache.service"))?.unplaceable).toBeUndefined();
  });

  it("unschedules a unit set to inactive and leaves destroyed units gone", async () => {
    const registry = freshRegistry(etcdClient);
    const lease = await publishMachine(registry, A);
    owned.push(() => lease.revoke());
    await engine(registry, A).start();
    await submit(registry, "x.service", "[Service]\nExecStart=/bin/true\n");
    await waitFor(async () => (await target(registry, "x.service")) === A, { what: "x placed" });
    await registry.setDesired(["x.service"], "inactive");
    await waitFor(async () => (await registry.job("x.service"))?.target === undefined, {
      what: "x unscheduled",
    });
    expect(await registry.destroyJob("x.service")).toBe(true);
    expect(await registry.job("x.service")).toBeUndefined();
  });

  it("keeps one leader, and another engine takes over when it stops", async () => {
    const registry = freshRegistry(etcdClient);
    const lease = await publishMachine(registry, A);
    owned.push(() => lease.revoke());
    const first = engine(registry, A);
    const second = engine(registry, B);
    await first.start();
    await waitFor(() => first.leader, { what: "first engine leads" });
    await second.start();
    await second.reconcile();
    expect(second.leader).toBe(false);
    expect((await registry.snapshot()).leader).toBe(A);
    await first.stop();
    await waitFor(() => second.leader, { what: "second engine takes over" });
    await submit(registry, "after.service", "[Service]\nExecStart=/bin/true\n");
    await waitFor(async () => (await target(registry, "after.service")) === A, {
      what: "the new leader schedules",
    });
  });

  it("leaves machine and job changes to the leader: the others do not bid while it leads", async () => {
    const registry = freshRegistry(etcdClient);
    let followerBids = 0;
    // The followers' registry counts their bids (each a txn through raft) and is otherwise the same.
    const counted: Registry = Object.create(registry);
    counted.tryLead = (...args) => {
      followerBids++;
      return registry.tryLead(...args);
    };
    // No timer passes during the test: only watch events could make an engine bid.
    const leader = engine(registry, A, 60_000);
    await leader.start();
    await waitFor(() => leader.leader, { what: "the first engine leads" });
    const followers = [engine(counted, B, 60_000), engine(counted, C, 60_000)];
    for (const f of followers) await f.start();
    // A pass of their own, as their timer would run it: they read the leader key, no bid.
    for (const f of followers) expect(await f.reconcile()).toEqual([]);
    const ids = Array.from({ length: 10 }, (_, i) => `dddddddd${String(i).padStart(24, "0")}`);
    for (const id of ids) {
      const lease = await publishMachine(registry, id);
      owned.push(() => lease.revoke());
    }
    // Placed by the leader after it saw those machines: the followers' watches had them too.
    await submit(registry, "late.service", "[Service]\nExecStart=/bin/true\n");
    await waitFor(async () => (await target(registry, "late.service")) !== undefined, {
      what: "the leader places late.service",
    });
    expect(followerBids).toBe(0);
    expect(followers.map((f) => f.leader)).toEqual([false, false]);
    // The leader key going is what the followers bid on.
    await leader.stop();
    await waitFor(() => followers.some((f) => f.leader), { what: "a follower takes over" });
    expect(followerBids).toBeGreaterThan(0);
  });

  it("reschedules the units of a machine whose lease expired, in the pass the expiry wakes", async () => {
    const registry = freshRegistry(etcdClient);
    const ttl = 2;
    const leaseA = await publishMachine(registry, A, {}, ttl);
    const leaseB = await publishMachine(registry, B, {}, ttl);
    // Revoking a lease that already expired fails; that is fine here.
    owned.push(() => Promise.all([leaseA, leaseB].map((l) => l.revoke().catch(() => {}))));
    // A long interval: only the expiry's watch event can explain a quick move.
    await engine(registry, C, 60_000).start();
    await submit(registry, "moves.service", "[Service]\nExecStart=/bin/true\n");
    await submit(registry, "side.service", "[X-Fleet]\nMachineOf=moves.service\n");
    await waitFor(async () => (await target(registry, "side.service")) !== undefined, {
      what: "both placed",
    });
    const from = await target(registry, "moves.service");
    expect(await target(registry, "side.service")).toBe(from);
    // Every change from here on, in etcd's order.
    const events: Array<{ key: string; type: string; revision: number }> = [];
    const watcher = await registry.ns.watch(
      "",
      { prefix: true },
      {
        onEvents: (batch) => {
          for (const e of batch) {
            events.push({
              key: e.key,
              type: e.type === "put" ? "Put" : "Delete",
              revision: Number(e.modRevision),
            });
          }
        },
      },
    );
    owned.push(() => watcher.cancel());
    // The machine holding them stops renewing its lease, as a dead agent would.
    const dying = from === A ? leaseA : leaseB;
    const survivor = from === A ? B : A;
    dying.release();
    await waitFor(async () => (await target(registry, "side.service")) === survivor, {
      what: "both rescheduled",
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    // A read can see the move before this watch's stream delivers it: wait for the events too.
    await waitFor(
      () =>
        ["moves", "side"].every((u) =>
          events.some((e) => e.type === "Put" && e.key === `job/${u}.service/target`),
        ),
      { what: "the watch to deliver both moves" },
    );
    const seen = events.map((e) => `${e.type} ${e.key}`);
    const gone = seen.indexOf(`Delete machines/${from}/object`);
    expect(gone).toBeGreaterThanOrEqual(0);
    // After the machine key went, the engine's first writes move both units: each one
    // unscheduled from the dead machine, then scheduled on the survivor.
    const writes = seen.slice(gone + 1).filter((e) => e.includes("/target"));
    expect([...writes.slice(0, 4)].sort()).toEqual([
      "Delete job/moves.service/target",
      "Delete job/side.service/target",
      "Put job/moves.service/target",
      "Put job/side.service/target",
    ]);
    for (const unit of ["moves", "side"]) {
      expect(writes.indexOf(`Delete job/${unit}.service/target`)).toBeLessThan(
        writes.indexOf(`Put job/${unit}.service/target`),
      );
    }
  });

  it("records 'cannot place' only while the desired state is the one its snapshot saw", async () => {
    const registry = freshRegistry(etcdClient);
    await submit(registry, "f.service", "[X-Fleet]\nMachineOf=p.service\n", "inactive");
    const lease = registry.ns.lease(10);
    owned.push(() => lease.revoke());
    expect(await registry.tryLead(A, lease)).toBe(true);
    const leaseId = await lease.grant();
    const before = (await registry.snapshot()).revision;
    // A command sets the desired state after the engine took its snapshot: the verdict is stale.
    await registry.setDesired(["f.service"], "launched");
    await registry.setUnplaceable("f.service", "stale", leaseId, before);
    expect((await registry.job("f.service"))?.unplaceable).toBeUndefined();
    await registry.setUnplaceable(
      "f.service",
      "current",
      leaseId,
      (await registry.snapshot()).revision,
    );
    expect((await registry.job("f.service"))?.unplaceable).toBe("current");
    // The next command's write drops the verdict in the same transaction.
    await registry.setDesired(["f.service", "missing.service"], "loaded");
    expect((await registry.job("f.service"))?.unplaceable).toBe("current");
    await registry.setDesired(["f.service"], "loaded");
    expect((await registry.job("f.service"))?.unplaceable).toBeUndefined();
  });
});
