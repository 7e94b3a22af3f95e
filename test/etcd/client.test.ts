/**
 * shoal's etcd client against real etcd 3.4 members (127.24.12.x): a
 * three-member cluster for calls, leases and watches across a member
 * restart; members of their own for auth and for TLS with client
 * certificates (a CA made by openssl for this run).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compare,
  EtcdClient,
  EtcdError,
  EtcdUnavailable,
  op,
  type WatchEvent,
} from "../../src/etcd/index.js";
import { exchange } from "../../src/host/index.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../e2e/harness/index.js";

const etcd = new EtcdGroup();
let members: EtcdProcess[] = [];
let urls: string[] = [];
const clients: EtcdClient[] = [];
let counter = 0;

function client(
  endpoints = urls,
  extra: Partial<ConstructorParameters<typeof EtcdClient>[0]> = {},
) {
  const c = new EtcdClient({ endpoints, requestTimeoutMs: 2000, ...extra });
  clients.push(c);
  return c;
}

/** A namespace no other test writes under. */
function fresh(c = client()) {
  counter += 1;
  return c.namespace(`/client-test-${process.pid}-${counter}/`);
}

beforeAll(async () => {
  members = await etcd.startCluster(["c1", "c2", "c3"], (i) => `127.24.12.${i + 1}`);
  urls = members.map((m) => m.clientUrl);
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await etcd.cleanup();
});

describe("calls", () => {
  it("puts, gets, lists a prefix and deletes, keys relative to the namespace", async () => {
    const kv = fresh();
    await kv.put("a/1", "one");
    await kv.put("a/2", "two");
    await kv.put("b", "");
    expect(await kv.get("a/1")).toMatchObject({ key: "a/1", value: "one", version: "1" });
    expect(await kv.get("b")).toMatchObject({ key: "b", value: "" });
    expect(await kv.get("missing")).toBeUndefined();
    expect([...(await kv.getPrefix("a/"))]).toEqual([
      ["a/1", "one"],
      ["a/2", "two"],
    ]);
    expect((await kv.range("", { prefix: true, countOnly: true })).count).toBe(3);
    expect(await kv.delete("a/", { prefix: true })).toBe(2);
    expect([...(await kv.getPrefix(""))]).toEqual([["b", ""]]);
  });

  it("txn: success ops when every compare holds, failure ops (with what they read) when one fails", async () => {
    const kv = fresh();
    const created = await kv.txn({
      compare: [compare("k", "Create", "==", 0)],
      success: [op.put("k", "v1"), op.put("side", "x")],
      failure: [op.get("k")],
    });
    expect(created).toMatchObject({ succeeded: true, responses: [{ put: true }, { put: true }] });
    const again = await kv.txn({
      compare: [compare("k", "Create", "==", 0)],
      success: [op.put("k", "v2")],
      failure: [op.get("k"), op.delete("side")],
    });
    expect(again.succeeded).toBe(false);
    expect(again.responses).toEqual([
      { kvs: [expect.objectContaining({ key: "k", value: "v1" })] },
      { deleted: 1 },
    ]);
    const kvNow = await kv.get("k");
    const stale = await kv.txn({
      compare: [
        compare("k", "Value", "==", "v1"),
        compare("k", "Mod", "<", kvNow?.modRevision ?? "0"),
      ],
      success: [op.put("k", "never")],
    });
    expect(stale.succeeded).toBe(false);
    expect((await kv.get("k"))?.value).toBe("v1");
  });

  it("steps over a member that is not there, and names every one when none answers", async () => {
    // 127.24.12.9: loopback, nothing listens there, so the kernel refuses at once.
    const kv = fresh(client(["http://127.24.12.9:2379", urls[0] as string]));
    await kv.put("k", "v");
    expect((await kv.get("k"))?.value).toBe("v");
    const none = client(["http://127.24.12.9:2379", "http://127.24.12.10:2379"]);
    const err = await none.get("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdUnavailable);
    expect((err as Error).message).toBe(
      "etcd cluster is unavailable: http://127.24.12.9:2379/v3/kv/range: connection refused; http://127.24.12.10:2379/v3/kv/range: connection refused",
    );
  });

  it("passes on etcd's own error", async () => {
    const err = await client()
      .txn({ compare: [], success: [op.put("dup", "1"), op.put("dup", "2")] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdError);
    expect((err as Error).message).toBe("etcdserver: duplicate key given in txn request");
  });
});

describe("leases", () => {
  it("keeps its keys alive past its TTL, and they go once it is released", async () => {
    const c = client();
    const kv = fresh(c);
    const lease = c.lease(1);
    const lost: Error[] = [];
    lease.onLost((err) => lost.push(err));
    await kv.put("alive", "yes", { lease: await lease.grant() });
    const granted = Date.now();
    // Three TTLs with the key still there: keepalives got through.
    await waitFor(
      async () => Date.now() - granted > 3000 && (await kv.get("alive")) !== undefined,
      {
        what: "three TTLs with the key alive",
        timeoutMs: 10_000,
        intervalMs: 200,
      },
    );
    expect(lost).toEqual([]);
    lease.release();
    await waitFor(async () => (await kv.get("alive")) === undefined, {
      what: "the key gone with its lease",
      timeoutMs: 5000,
    });
  });

  it("says it is lost when etcd no longer has it", async () => {
    const c = client();
    const lease = c.lease(3);
    const id = await lease.grant();
    const lost: string[] = [];
    lease.onLost((err) => lost.push(err.message));
    await exchange(`${urls[1]}/v3/lease/revoke`, { body: { ID: id }, timeoutMs: 2000 });
    await waitFor(() => lost.length > 0, { what: "the lease lost", timeoutMs: 3000 });
    expect(lost).toEqual([`lease ${id} expired or was revoked on etcd`]);
    expect(lease.revoked()).toBe(true);
  });

  it("says it is lost when no keepalive got through for a whole TTL", async () => {
    const third = members[2] as EtcdProcess;
    const c = client([third.clientUrl]);
    const lease = c.lease(1);
    await lease.grant();
    const lost: string[] = [];
    lease.onLost((err) => lost.push(err.message));
    await third.stop();
    try {
      await waitFor(() => lost.length > 0, { what: "the lease lost", timeoutMs: 5000 });
    } finally {
      members[2] = etcd.start({
        ...third.options,
        initialCluster: members.map((m) => m.clusterEntry).join(","),
      });
      await (members[2] as EtcdProcess).waitHealthy();
    }
    expect(lost).toEqual([
      expect.stringMatching(
        /^no keepalive got through in 1 s: etcd cluster is unavailable: .*connection refused$/,
      ),
    ]);
  }, 30_000);

  it("revoke deletes its keys at once", async () => {
    const c = client();
    const kv = fresh(c);
    const lease = c.lease(30);
    await kv.put("k", "v", { lease: await lease.grant() });
    await lease.revoke();
    expect(await kv.get("k")).toBeUndefined();
  });
});

describe("watches", () => {
  it("delivers each change once, in order, across a member restart with writes while it was down", async () => {
    const writer = fresh(client([urls[1] as string]));
    // The watch's client tries the first member first: that is the one restarted.
    const watcher = client([urls[0] as string, urls[1] as string, urls[2] as string]);
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const w = await watcher
      .namespace(writer.prefix)
      .watch(
        "",
        { prefix: true },
        { onEvents: (e) => events.push(...e), onError: (err) => errors.push(err) },
      );
    await writer.put("a", "1");
    await writer.txn({ compare: [], success: [op.put("b", "2"), op.put("c", "3")] });
    await waitFor(() => events.length === 3, { what: "three events" });

    const first = members[0] as EtcdProcess;
    await first.stop();
    await writer.put("d", "4");
    await writer.delete("a");
    const restarted = etcd.start({
      ...first.options,
      initialCluster: members.map((m) => m.clusterEntry).join(","),
    });
    members[0] = restarted;
    await restarted.waitHealthy();
    await writer.put("e", "5");
    await waitFor(() => events.length >= 6, { what: "the changes made around the restart" });
    await w.cancel();
    expect(events.map((e) => `${e.type} ${e.key} ${e.value}`)).toEqual([
      "put a 1",
      "put b 2",
      "put c 3",
      "put d 4",
      "delete a ",
      "put e 5",
    ]);
    const revisions = events.map((e) => Number(e.modRevision));
    expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    expect(errors.length).toBe(1);
  }, 60_000);

  it("after a compaction, says from where the history is gone and goes on from there", async () => {
    const c = client();
    const kv = fresh(c);
    await kv.put("k", "old");
    const from = (await kv.get("k"))?.modRevision as string;
    await kv.put("k", "mid");
    await kv.put("k", "new");
    const compactAt = (await kv.get("k"))?.modRevision as string;
    await exchange(`${urls[0]}/v3/kv/compaction`, {
      body: { revision: compactAt },
      timeoutMs: 2000,
    });
    const events: string[] = [];
    const compacted: string[] = [];
    const w = await kv.watch(
      "k",
      { startRevision: from },
      {
        onEvents: (e) => events.push(...e.map((x) => x.value)),
        onCompacted: (r) => compacted.push(r),
      },
    );
    await waitFor(() => events.length > 0, { what: "the events left after the compaction" });
    await kv.put("k", "after");
    await waitFor(() => events.length > 1, { what: "the next change" });
    await w.cancel();
    expect(compacted).toEqual([compactAt]);
    expect(events).toEqual(["new", "after"]);
  });
});

describe("auth and TLS", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "shoal-etcd-client-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("authenticates with a username and password, and again when the token expired", async () => {
    const member = etcd.start({
      name: "auth",
      host: "127.24.12.5",
      extraArgs: ["--auth-token-ttl", "1"],
    });
    await member.waitHealthy();
    const url = member.clientUrl;
    const admin = async (path: string, body: unknown) => {
      const res = await exchange(`${url}${path}`, { body, timeoutMs: 2000 });
      if (res.status !== 200) throw new Error(`${path}: ${res.text}`);
    };
    await admin("/v3/auth/user/add", { name: "root", password: "s3cret" });
    await admin("/v3/auth/role/add", { name: "root" });
    await admin("/v3/auth/user/grant", { user: "root", role: "root" });
    await admin("/v3/auth/enable", {});

    const anonymous = await client([url])
      .put("k", "v")
      .catch((e: unknown) => e);
    expect((anonymous as Error).message).toBe("etcdserver: user name is empty");
    const wrong = await client([url], { auth: { username: "root", password: "nope" } })
      .put("k", "v")
      .catch((e: unknown) => e);
    expect((wrong as Error).message).toBe(
      "etcdserver: authentication failed, invalid user ID or password",
    );

    const root = client([url], { auth: { username: "root", password: "s3cret" } });
    await root.put("k", "v");
    // A token taken after the client's: once etcd refuses it, the client's has expired too.
    // Each use renews a token, so the probe looks less often than the TTL (and etcd's 1 s sweep).
    const probe = await exchange(`${url}/v3/auth/authenticate`, {
      body: { name: "root", password: "s3cret" },
      timeoutMs: 2000,
    });
    const token = (JSON.parse(probe.text) as { token: string }).token;
    await waitFor(
      async () =>
        /invalid auth token/.test(
          (
            await exchange(`${url}/v3/kv/range`, {
              body: { key: "aw==" },
              timeoutMs: 2000,
              headers: { authorization: token },
            })
          ).text,
        ),
      { what: "the token to expire", timeoutMs: 15_000, intervalMs: 2500 },
    );
    expect((await root.get("k"))?.value).toBe("v");
  });

  it("speaks TLS with a client certificate, and says why without one", async () => {
    const host = "127.24.12.6";
    const openssl = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    const issue = (name: string, ext: string) => {
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      openssl(
        ...["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${name}`],
      );
      openssl(
        ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem"],
        ...["-CAcreateserial", "-days", "1", "-out", `${name}.pem`, "-extfile", `${name}.ext`],
      );
    };
    openssl(
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=shoal test CA"],
    );
    // The gateway dials etcd's gRPC side with the server certificate: it must allow client auth too.
    issue("server", `subjectAltName=IP:${host}\nextendedKeyUsage=serverAuth,clientAuth`);
    issue("client", "extendedKeyUsage=clientAuth");
    const url = `https://${host}:2379`;
    const member = etcd.start({
      name: "tls",
      host,
      extraArgs: [
        ...["--listen-client-urls", url, "--advertise-client-urls", url],
        ...["--cert-file", join(dir, "server.pem"), "--key-file", join(dir, "server-key.pem")],
        ...["--trusted-ca-file", join(dir, "ca.pem"), "--client-cert-auth"],
      ],
    });
    await member.waitForOutput(/ready to serve client requests/);
    const tls = {
      caFile: join(dir, "ca.pem"),
      certFile: join(dir, "client.pem"),
      keyFile: join(dir, "client-key.pem"),
    };
    const c = client([url], { tls });
    await c.put("k", "over tls");
    expect((await c.get("k"))?.value).toBe("over tls");
    const events: string[] = [];
    const w = await c.watch("k", {}, { onEvents: (e) => events.push(...e.map((x) => x.value)) });
    await c.put("k", "watched");
    await waitFor(() => events.length === 1, { what: "a watch event over TLS" });
    await w.cancel();
    expect(events).toEqual(["watched"]);

    const noCert = await client([url], { tls: { caFile: tls.caFile } })
      .get("k")
      .catch((e: unknown) => e);
    expect(noCert).toBeInstanceOf(EtcdUnavailable);
    expect((noCert as Error).message).toMatch(/bad certificate|certificate required/);
  });
});
