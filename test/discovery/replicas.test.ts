/**
 * Two server replicas sharing one etcd cluster (the store's own etcd on
 * 127.20.9.4): what one replica writes, the other serves and wakes watchers
 * for. Bootstrap members on 127.20.6.x register through both replicas.
 */
import { execFile } from "node:child_process";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscoveryServer, newToken } from "../../src/discovery/index.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../e2e/harness/index.js";
import { memberList, Owner, startServer } from "./helpers.js";

const execFileP = promisify(execFile);
const owner = new Owner();
const etcd = new EtcdGroup();
const backing = new EtcdGroup();
let store = "";
beforeAll(async () => {
  const [member] = await backing.startCluster(["store"], () => "127.20.9.4");
  store = `etcd:${(member as EtcdProcess).clientUrl}`;
});
afterAll(() => backing.cleanup());
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

const form = { "content-type": "application/x-www-form-urlencoded" };

describe("two replicas on one etcd store", () => {
  let a: DiscoveryServer;
  let b: DiscoveryServer;
  const startPair = async () => {
    a = await startServer(owner, { store });
    b = await startServer(owner, { store });
  };

  it("a registration through replica A wakes a watcher held on replica B", async () => {
    await startPair();
    const id = (await newToken(a.url, 3)).slice(a.url.length);
    expect((await fetch(`${b.url}${id}/_config/size`)).status).toBe(200);
    const watch = fetch(`${b.url}${id}?recursive=true&wait=true&waitIndex=2`);
    // Make sure B holds the watch before the write: B's /metrics shows it open.
    await waitFor(
      async () =>
        /^shoal_discovery_open_watches 1$/m.test(await (await fetch(`${b.url}/metrics`)).text()),
      { what: "replica B to hold the watch", timeoutMs: 5000 },
    );
    const put = await fetch(`${a.url}${id}/m1?prevExist=false`, {
      method: "PUT",
      body: "value=n1%3Dhttp%3A%2F%2Fh%3A2380",
      headers: form,
    });
    expect(put.status).toBe(201);
    const res = await watch;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      action: "create",
      node: { key: `${id}/m1`, value: "n1=http://h:2380", createdIndex: 2 },
    });
    // And B refuses a duplicate of what A registered.
    const dup = await fetch(`${b.url}${id}/m1?prevExist=false`, {
      method: "PUT",
      body: "value=x",
      headers: form,
    });
    expect(dup.status).toBe(412);
  });

  it("a foreign value written under the store's prefix is reported, not fatal", async () => {
    const reported: unknown[] = [];
    const server = await startServer(owner, { store, onError: (err) => reported.push(err) });
    const endpoint = store.slice("etcd:".length);
    await execFileP(
      "etcdctl",
      ["--endpoints", endpoint, "put", "shoal/discovery/e/x/000000000000002", "not json"],
      {
        env: { ...process.env, ETCDCTL_API: "3" },
      },
    );
    await waitFor(() => reported.length === 1, {
      what: "the bad value to be reported",
      timeoutMs: 5000,
    });
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ health: "true" });
  });

  it("real etcd members behind a round-robin balancer over both replicas form one cluster", async () => {
    // etcd derives member and cluster IDs from the whole discovery URL, so replicas
    // must share one public URL: a TCP balancer in front, as in production.
    const balancer = await roundRobin();
    a = await startServer(owner, { store, publicUrl: balancer.url });
    b = await startServer(owner, { store, publicUrl: balancer.url });
    balancer.backends.push(a.url, b.url);
    const token = await newToken(a.url, 3);
    expect(token.startsWith(balancer.url)).toBe(true);
    const members = [0, 1, 2].map((i) =>
      etcd.start({ name: `r${i}`, host: `127.20.6.${i + 1}`, discovery: token }),
    );
    await Promise.all(members.map((m) => m.waitHealthy()));
    expect(
      (await memberList((members[1] as EtcdProcess).clientUrl)).map((m) => m.name).sort(),
    ).toEqual(["r0", "r1", "r2"]);
    expect(balancer.served()).toEqual(new Set([a.url, b.url])); // both replicas took part
  });
});

/** Hands each new TCP connection to the next backend in turn. */
async function roundRobin() {
  const backends: string[] = [];
  const used = new Set<string>();
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    const target = backends[next++ % backends.length] as string;
    used.add(target);
    const { hostname, port } = new URL(target);
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  owner.defer(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    backends,
    served: () => used,
  };
}
