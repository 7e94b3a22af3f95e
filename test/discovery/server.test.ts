/**
 * Protocol obligations over real HTTP, with a manual clock so holds,
 * expiry, GC and rate limits are tested without sleeping.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DiscoveryServer, ManualClock, newToken } from "../../src/discovery/index.js";
import { waitFor } from "../e2e/harness/index.js";
import { Owner, startServer } from "./helpers.js";

const owner = new Owner();
let clock: ManualClock;
let server: DiscoveryServer;
let dbPath: string;
const HOLD = 60_000;
const TTL = 3_600_000;

beforeEach(async () => {
  clock = new ManualClock(1_700_000_000_000);
  dbPath = join(owner.tempDir(), "d.db");
  server = await startServer(owner, {
    clock,
    holdMs: HOLD,
    tokenTtlMs: TTL,
    store: `sqlite:${dbPath}`,
    newRate: 0,
  });
});
afterEach(() => owner.cleanup());

async function call(method: string, target: string, form?: string) {
  const res = await fetch(target.startsWith("http") ? target : `${server.url}${target}`, {
    method,
    ...(form !== undefined
      ? { body: form, headers: { "content-type": "application/x-www-form-urlencoded" } }
      : {}),
  });
  const text = await res.text();
  const index = res.headers.get("x-etcd-index");
  return {
    status: res.status,
    index: index === null ? undefined : Number(index),
    headers: res.headers,
    text,
    json: () => JSON.parse(text),
  };
}
const put = (token: string, member: string, value: string) =>
  call("PUT", `${token}/${member}?prevExist=false`, `value=${encodeURIComponent(value)}`);

/** Starts a watch and resolves once the server holds it (its hold timer is pending on the clock). */
async function held(target: string) {
  const before = clock.pending;
  const answer = call("GET", target);
  await waitFor(() => clock.pending > before, {
    what: "the watch to be held",
    timeoutMs: 5000,
    intervalMs: 5,
  });
  return { answer }; // wrapped: an async function returning a promise would wait for it
}

describe("token reads and registration (R1-R3, R5)", () => {
  it("a new token has its size key at index 1 and no members; every GET carries X-Etcd-Index", async () => {
    const token = await newToken(server.url, 5);
    const size = await call(
      "GET",
      `${token}/_config/size?quorum=false&recursive=false&sorted=false`,
    );
    expect(size.status).toBe(200);
    expect(size.index).toBe(1);
    const id = token.slice(server.url.length);
    expect(size.json()).toEqual({
      action: "get",
      node: { key: `${id}/_config/size`, value: "5", modifiedIndex: 1, createdIndex: 1 },
    });
    const list = await call("GET", `${token}?quorum=false&recursive=false&sorted=false`);
    expect(list.index).toBe(1);
    expect(list.json()).toEqual({
      action: "get",
      node: { key: id, dir: true, nodes: [], modifiedIndex: 1, createdIndex: 1 },
    });
  });

  it("registrations get createdIndex 2, 3, ... and 201 create; a repeat gets 412/105", async () => {
    const token = await newToken(server.url, 3);
    const id = token.slice(server.url.length);
    const first = await put(token, "8e9e05c52164694d", "infra0=http://10.0.0.1:2380");
    expect(first.status).toBe(201);
    expect(first.index).toBe(2);
    expect(first.json()).toEqual({
      action: "create",
      node: {
        key: `${id}/8e9e05c52164694d`,
        value: "infra0=http://10.0.0.1:2380",
        modifiedIndex: 2,
        createdIndex: 2,
      },
    });
    expect((await put(token, "91bc3c398fb3c146", "infra1=http://10.0.0.2:2380")).index).toBe(3);

    const again = await put(token, "8e9e05c52164694d", "infra0=http://10.0.0.1:2380");
    expect(again.status).toBe(412);
    expect(again.json()).toEqual({
      errorCode: 105,
      message: "Key already exists",
      cause: `${id}/8e9e05c52164694d`,
      index: 3,
    });
    const list = await call("GET", token);
    expect(list.index).toBe(3);
    expect(list.json().node.nodes.map((n: { createdIndex: number }) => n.createdIndex)).toEqual([
      2, 3,
    ]);
    const one = await call("GET", `${token}/91bc3c398fb3c146`);
    expect(one.json().node).toMatchObject({
      value: "infra1=http://10.0.0.2:2380",
      createdIndex: 3,
    });
  });

  it("unknown tokens are 404/100 for every verb, and a PUT does not create them", async () => {
    const unknown = `${server.url}/${"ab".repeat(16)}`;
    for (const [method, target, form] of [
      ["GET", `${unknown}/_config/size`],
      ["GET", unknown],
      ["PUT", `${unknown}/m1?prevExist=false`, "value=a%3Dhttp%3A%2F%2Fx%3A2380"],
      ["GET", `${unknown}?wait=true&recursive=true`],
      ["DELETE", `${unknown}/m1`],
      ["DELETE", unknown],
    ] as const) {
      const res = await call(method, target, form);
      expect(res.status, `${method} ${target}`).toBe(404);
      expect(res.json()).toMatchObject({ errorCode: 100, message: "Key not found" });
    }
    expect((await call("GET", unknown)).status).toBe(404);
  });

  it("caps members per token at 2 x size + 8 (403 beyond)", async () => {
    const token = await newToken(server.url, 1);
    for (let i = 0; i < 10; i++)
      expect((await put(token, `m${i}`, `n${i}=http://h:2380`)).status).toBe(201);
    const over = await put(token, "m10", "n10=http://h:2380");
    expect(over.status).toBe(403);
    expect(over.json()).toMatchObject({ cause: "token holds its limit of 10 members", index: 11 });
  });
});

describe("watches (R6, R7, R10)", () => {
  it("a waitIndex at or below the current index is answered at once from the token's history", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    await put(token, "b", "b=http://2:2380");
    clock.advance(TTL - 1); // history lives as long as the token
    const fromTwo = await call("GET", `${token}?recursive=true&wait=true&waitIndex=2`);
    expect(fromTwo.status).toBe(200);
    expect(fromTwo.json()).toMatchObject({
      action: "create",
      node: { value: "a=http://1:2380", modifiedIndex: 2 },
    });
    const fromThree = await call("GET", `${token}?recursive=true&wait=true&waitIndex=3`);
    expect(fromThree.json().node).toMatchObject({
      key: expect.stringMatching(/\/b$/),
      modifiedIndex: 3,
    });
    const self = await call("GET", `${token}/b?recursive=false&wait=true&waitIndex=3`);
    expect(self.json().node.modifiedIndex).toBe(3);
  });

  it("a watch ahead of the index is held until the next registration, then gets only that", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const { answer: watch } = await held(`${token}?recursive=true&wait=true&waitIndex=3`);
    await put(token, "b", "b=http://2:2380");
    const res = await watch;
    expect(res.status).toBe(200);
    expect(res.index).toBe(3);
    expect(res.json()).toMatchObject({
      action: "create",
      node: { value: "b=http://2:2380", modifiedIndex: 3, createdIndex: 3 },
    });
  });

  it("without waitIndex a watch waits for the next change", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const { answer: watch } = await held(`${token}?recursive=true&wait=true`);
    await put(token, "b", "b=http://2:2380");
    expect((await watch).json().node.modifiedIndex).toBe(3);
  });

  it("a held watch ends after the hold with 200 and an empty body", async () => {
    const token = await newToken(server.url, 3);
    const { answer: watch } = await held(`${token}?recursive=true&wait=true&waitIndex=2`);
    clock.advance(HOLD - 1);
    let settled = false;
    void watch.then(() => {
      settled = true;
    });
    await call("GET", "/health"); // a round trip, so a wrongly early answer would have arrived
    expect(settled).toBe(false);
    clock.advance(1);
    const res = await watch;
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });

  it("deletes bump the index but never reach a watch; a key watch ignores other members", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const { answer: recursive } = await held(`${token}?recursive=true&wait=true&waitIndex=3`);
    const { answer: other } = await held(`${token}/c?wait=true&waitIndex=3`);
    const del = await call("DELETE", `${token}/a`);
    expect(del.status).toBe(200);
    expect(del.json()).toMatchObject({
      action: "delete",
      node: { modifiedIndex: 3, createdIndex: 2 },
      prevNode: { value: "a=http://1:2380" },
    });
    await put(token, "b", "b=http://2:2380");
    const res = await recursive;
    expect(res.json().node).toMatchObject({ value: "b=http://2:2380", modifiedIndex: 4 });
    const list = await call("GET", token);
    expect(list.index).toBe(4);
    expect(list.json().node.nodes.map((n: { value: string }) => n.value)).toEqual([
      "b=http://2:2380",
    ]);
    await put(token, "c", "c=http://3:2380");
    expect((await other).json().node).toMatchObject({ value: "c=http://3:2380", modifiedIndex: 5 });
    // A deleted member may register again (an operator's fix), as a new registration.
    expect((await put(token, "a", "a=http://1:2380")).index).toBe(6);
  });

  it("DELETE of a whole token ends it", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const del = await call("DELETE", token);
    expect(del.status).toBe(200);
    expect(del.json()).toMatchObject({ action: "delete", node: { dir: true } });
    expect((await call("GET", token)).status).toBe(404);
  });
});

describe("lifetime, limits and the service's pages (R9, R11)", () => {
  it("tokens expire after the TTL (404 JSON) and GC removes them from the store", async () => {
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const rows = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM tokens").get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(rows()).toBe(1);
    clock.advance(TTL);
    const gone = await call("GET", token);
    expect(gone.status).toBe(404);
    expect(gone.json()).toMatchObject({ errorCode: 100 });
    expect((await put(token, "b", "b=http://2:2380")).status).toBe(404);
    await waitFor(() => rows() === 0, { what: "GC to remove the expired token", timeoutMs: 5000 });
  });

  it("rate-limits /new per client with 429 and Retry-After", async () => {
    const limited = await startServer(owner, { clock, newRate: 2 });
    expect((await call("GET", `${limited.url}/new`)).status).toBe(200);
    expect((await call("GET", `${limited.url}/new`)).status).toBe(200);
    const third = await call("GET", `${limited.url}/new`);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("30");
    expect(third.json()).toMatchObject({ cause: expect.stringContaining("too many new tokens") });
    clock.advance(30_000);
    expect((await call("GET", `${limited.url}/new`)).status).toBe(200);
  });

  it("/new answers the token URL as plain text, and 400 JSON for bad sizes", async () => {
    const res = await call("GET", "/new?size=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.text).toMatch(new RegExp(`^${server.url}/[0-9a-f]{32}$`));
    const posted = await call("POST", "/new", "size=2");
    expect((await call("GET", `${posted.text}/_config/size`)).json().node.value).toBe("2");
    const bad = await call("GET", "/new?size=0");
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      errorCode: 209,
      message: "Invalid field",
      cause: "size: must be at least 1, got 0",
      index: 0,
    });
  });

  it("/health writes and reads the store; /metrics counts requests, tokens, members and watches; / explains", async () => {
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ health: "true" });
    const token = await newToken(server.url, 3);
    await put(token, "a", "a=http://1:2380");
    const { answer: watch } = await held(`${token}?recursive=true&wait=true&waitIndex=3`);
    const metrics = (await call("GET", "/metrics")).text;
    expect(metrics).toMatch(/shoal_discovery_requests_total\{route="put",code="201"\} 1/);
    expect(metrics).toMatch(/shoal_discovery_tokens 1$/m);
    expect(metrics).toMatch(/shoal_discovery_members 1$/m);
    expect(metrics).toMatch(/shoal_discovery_open_watches 1$/m);
    expect(metrics).toMatch(/shoal_discovery_store_seconds_count\{op="createMember"\} 1/);
    clock.advance(HOLD);
    await watch;
    const home = await call("GET", "/");
    expect(home.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(home.text).toContain(`curl -s ${server.url}/new?size=3`);
    expect(home.text).toContain("valid for 1h");
  });
});
