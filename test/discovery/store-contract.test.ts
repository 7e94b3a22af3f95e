/** One contract, both stores: SQLite (a temp file) and etcd (a real member on 127.20.9.3). */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdStore } from "../../src/discovery/etcd-store.js";
import type { MemberEvent } from "../../src/discovery/protocol.js";
import { SqliteStore } from "../../src/discovery/sqlite-store.js";
import type { Store } from "../../src/discovery/store.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../e2e/harness/index.js";
import { Owner } from "./helpers.js";

const owner = new Owner();
const backing = new EtcdGroup();
let etcdUrl = "";
beforeAll(async () => {
  const [member] = await backing.startCluster(["store"], () => "127.20.9.3");
  etcdUrl = (member as EtcdProcess).clientUrl;
});
afterAll(async () => {
  await owner.cleanup();
  await backing.cleanup();
});

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

describe.each([
  { name: "sqlite", open: async () => new SqliteStore(join(owner.tempDir(), "d.db")) },
  { name: "etcd", open: () => EtcdStore.open([etcdUrl]) },
])("store contract: $name", ({ open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
    return () => store.close();
  });
  const fresh = async (size = 3, expiresAt = NOW + HOUR) => {
    const token = randomBytes(16).toString("hex");
    await store.createToken({ token, size, createdAt: NOW, expiresAt });
    return token;
  };

  it("a new token has index 1 and no members; unknown and expired tokens are undefined", async () => {
    const token = await fresh(5);
    expect(await store.getToken(token, NOW)).toEqual({
      info: { token, size: 5, index: 1, createdAt: NOW, expiresAt: NOW + HOUR },
      members: [],
    });
    expect(await store.getToken("0".repeat(32), NOW)).toBeUndefined();
    expect(await store.getToken(token, NOW + HOUR)).toBeUndefined();
  });

  it("registers members at index 2, 3, ...; repeats, unknown tokens and full tokens are refused", async () => {
    const token = await fresh();
    expect(await store.createMember(token, "a", "va", NOW, () => 3)).toEqual({
      kind: "created",
      node: { name: "a", value: "va", createdIndex: 2, modifiedIndex: 2 },
    });
    expect(await store.createMember(token, "b", "vb", NOW, () => 3)).toMatchObject({
      kind: "created",
      node: { createdIndex: 3 },
    });
    expect(await store.createMember(token, "a", "other", NOW, () => 3)).toEqual({
      kind: "exists",
      index: 3,
    });
    expect(await store.createMember(token, "c", "vc", NOW, () => 3)).toMatchObject({
      kind: "created",
    });
    expect(await store.createMember(token, "d", "vd", NOW, (size) => size)).toEqual({
      kind: "full",
      index: 4,
      limit: 3,
    });
    expect(await store.createMember("1".repeat(32), "a", "va", NOW, () => 3)).toEqual({
      kind: "no-token",
    });
    expect(await store.createMember(token, "e", "ve", NOW + HOUR, () => 9)).toEqual({
      kind: "no-token",
    });
    const got = await store.getToken(token, NOW);
    expect(got?.info.index).toBe(4);
    expect(got?.members.map((m) => [m.name, m.value, m.createdIndex])).toEqual([
      ["a", "va", 2],
      ["b", "vb", 3],
      ["c", "vc", 4],
    ]);
  });

  it("concurrent registrations get distinct consecutive indexes; one name registers once", async () => {
    const token = await fresh(20);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.createMember(token, `m${i}`, `v${i}`, NOW, () => 100),
      ),
    );
    const indexes = results
      .map((r) => (r.kind === "created" ? r.node.createdIndex : -1))
      .sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const same = await Promise.all(
      Array.from({ length: 8 }, () => store.createMember(token, "dup", "x", NOW, () => 100)),
    );
    expect(same.filter((r) => r.kind === "created")).toHaveLength(1);
    expect(same.filter((r) => r.kind === "exists")).toHaveLength(7);
  });

  it("history answers from any index for the token's life, per member or for all", async () => {
    const token = await fresh();
    await store.createMember(token, "a", "va", NOW, () => 9);
    await store.createMember(token, "b", "vb", NOW, () => 9);
    expect(await store.firstEvent(token, 0)).toEqual({
      token,
      name: "a",
      value: "va",
      createdIndex: 2,
      modifiedIndex: 2,
    });
    expect((await store.firstEvent(token, 3))?.name).toBe("b");
    expect((await store.firstEvent(token, 2, "b"))?.createdIndex).toBe(3);
    expect(await store.firstEvent(token, 4)).toBeUndefined();
    await store.deleteMember(token, "a", NOW);
    // A removal is not an event, and does not erase the registration from history.
    expect((await store.firstEvent(token, 2))?.name).toBe("a");
    expect(await store.firstEvent(token, 4)).toBeUndefined();
  });

  it("subscribers hear every registration made afterwards, until they unsubscribe", async () => {
    const token = await fresh();
    const heard: MemberEvent[] = [];
    const off = store.subscribe(token, (e) => heard.push(e));
    await store.createMember(token, "a", "va", NOW, () => 9);
    await store.deleteMember(token, "a", NOW);
    await store.createMember(token, "b", "vb", NOW, () => 9);
    await waitFor(() => heard.length >= 2, { what: "two events", timeoutMs: 5000 });
    expect(heard.map((e) => [e.name, e.modifiedIndex])).toEqual([
      ["a", 2],
      ["b", 4],
    ]);
    off();
    await store.createMember(token, "c", "vc", NOW, () => 9);
    const other = await fresh();
    const marker: MemberEvent[] = [];
    const offMarker = store.subscribe(other, (e) => marker.push(e));
    await store.createMember(other, "z", "vz", NOW, () => 9);
    await waitFor(() => marker.length === 1, { what: "the marker event", timeoutMs: 5000 });
    offMarker();
    expect(heard).toHaveLength(2); // "c" came before the marker and was not delivered
  });

  it("deletes: members (index bump), whole tokens (with history); unknown ones say so", async () => {
    const token = await fresh();
    await store.createMember(token, "a", "va", NOW, () => 9);
    expect(await store.deleteMember(token, "a", NOW)).toEqual({
      kind: "deleted",
      prev: { name: "a", value: "va", createdIndex: 2, modifiedIndex: 2 },
      index: 3,
    });
    expect(await store.deleteMember(token, "a", NOW)).toEqual({ kind: "no-key", index: 3 });
    expect(await store.deleteMember("2".repeat(32), "a", NOW)).toEqual({ kind: "no-token" });
    expect((await store.getToken(token, NOW))?.info.index).toBe(3);
    expect(await store.deleteToken(token, NOW)).toMatchObject({ info: { token }, index: 4 });
    expect(await store.getToken(token, NOW)).toBeUndefined();
    expect(await store.firstEvent(token, 0)).toBeUndefined();
    expect(await store.deleteToken(token, NOW)).toBeUndefined();
  });

  it("deleteExpired removes exactly the expired tokens; stats count live tokens and members", async () => {
    const soon = NOW + 10 * HOUR;
    const dying = await fresh(3, soon);
    await store.createMember(dying, "a", "va", NOW, () => 9);
    const living = await fresh(3, soon + HOUR);
    await store.createMember(living, "a", "va", NOW, () => 9);
    const before = await store.stats(soon - 1);
    expect(await store.deleteExpired(soon)).toBeGreaterThanOrEqual(1);
    expect(await store.getToken(dying, NOW)).toBeUndefined();
    expect(await store.firstEvent(dying, 0)).toBeUndefined();
    expect((await store.getToken(living, NOW))?.members).toHaveLength(1);
    const after = await store.stats(soon - 1);
    expect(before.tokens - after.tokens).toBe(1);
    expect(before.members - after.members).toBe(1);
  });
});
