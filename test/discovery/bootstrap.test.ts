/**
 * The flagship tests: real etcd 3.4 members started with --discovery
 * against shoal's server, on both stores. Members of this file live on
 * 127.20.1.x (SQLite) and 127.20.3.x (etcd store); the store's own etcd on 127.20.9.1.
 */
import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DiscoveryServer, newToken } from "../../src/discovery/index.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../e2e/harness/index.js";
import { assertReplicates, memberList, Owner, startServer } from "./helpers.js";

const owner = new Owner();
const etcd = new EtcdGroup();
const backing = new EtcdGroup();
let backingUrl = "";

beforeAll(async () => {
  const [store] = await backing.startCluster(["store"], () => "127.20.9.1");
  backingUrl = (store as EtcdProcess).clientUrl;
});
afterAll(() => backing.cleanup());
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

interface TokenList {
  node: { nodes: { key: string; value: string; createdIndex: number }[] };
}
async function registered(token: string): Promise<TokenList["node"]["nodes"]> {
  const res = await fetch(token);
  return ((await res.json()) as TokenList).node.nodes;
}

const stores = [
  { name: "SQLite", net: 1, store: (dir: string) => `sqlite:${dir}/d.db` },
  { name: "etcd", net: 3, store: () => `etcd:${backingUrl}` },
];

describe.each(stores)(
  "real etcd 3.4 members bootstrap through shoal ($name store)",
  ({ net, store }) => {
    const host = (i: number) => `127.20.${net}.${i + 1}`;
    let server: DiscoveryServer;

    async function formCluster(): Promise<{ token: string; members: EtcdProcess[] }> {
      server = await startServer(owner, { store: store(owner.tempDir()) });
      const token = await newToken(server.url, 3);
      const members = ["infra0", "infra1", "infra2"].map((name, i) =>
        etcd.start({ name, host: host(i), discovery: token }),
      );
      await Promise.all(members.map((m) => m.waitHealthy()));
      return { token, members };
    }

    it("three members started with --discovery form one healthy 3-member cluster", async () => {
      const { token, members } = await formCluster();
      const list = await memberList(members[0]?.clientUrl as string);
      expect(list.map((m) => m.name).sort()).toEqual(["infra0", "infra1", "infra2"]);
      expect(list.map((m) => m.peerURLs[0]).sort()).toEqual(members.map((m) => m.peerUrl).sort());
      const urls = members.map((m) => m.clientUrl);
      expect(await assertReplicates(urls, "/probe", "replicated")).toEqual([
        "replicated",
        "replicated",
        "replicated",
      ]);
      for (const m of members) expect(m.logs()).toMatch(/found self [0-9a-f]+ in the cluster/);
      const nodes = await registered(token);
      expect(nodes.map((n) => n.createdIndex)).toEqual([2, 3, 4]);
      expect(nodes.map((n) => n.value).sort()).toEqual(members.map((m) => m.clusterEntry).sort());
    });

    it("a 4th member with --discovery-fallback exit stops with etcd's 'cluster is full'", async () => {
      const { token } = await formCluster();
      const fourth = etcd.start({
        name: "infra3",
        host: host(3),
        discovery: token,
        extraArgs: ["--discovery-fallback", "exit"],
      });
      const exit = await fourth.waitExit(20_000);
      expect(exit.code).toBe(1);
      expect(fourth.logs()).toContain("discovery: cluster is full");
      expect(await registered(token)).toHaveLength(3); // the fast path stops it before any PUT
    });

    it("a 4th member with the default fallback runs as a proxy to the cluster", async () => {
      const { token, members } = await formCluster();
      const fourth = etcd.start({ name: "infra3", host: host(3), discovery: token });
      await fourth.waitForOutput(/discovery cluster full, falling back to proxy/, 20_000);
      // It proxies to exactly the three members it found through the token...
      const peers = await fourth.waitForOutput(/proxy: using peer urls \[([^\]]*)\]/, 20_000);
      expect((peers[1] as string).split(" ").sort()).toEqual(members.map((m) => m.peerUrl).sort());
      // ...and forwards client requests to them (/version is answered by a member).
      const version = await waitFor(
        async () => {
          const res = await fetch(`${fourth.clientUrl}/version`);
          return res.ok ? ((await res.json()) as { etcdcluster: string }) : undefined;
        },
        { what: "the proxy to forward /version", timeoutMs: 20_000 },
      );
      expect(version.etcdcluster).toMatch(/^3\.4\./);
      expect(fourth.running).toBe(true);
      expect(await registered(token)).toHaveLength(3);
      expect(members.every((m) => m.running)).toBe(true);
    });

    it("a member restarted with a wiped data dir gets 'previously registered'; the server keeps serving", async () => {
      const { token, members } = await formCluster();
      const victim = members[1] as EtcdProcess;
      await victim.stop();
      rmSync(victim.dataDir, { recursive: true, force: true });
      const again = etcd.start({ ...victim.options, dataDir: victim.dataDir });
      const exit = await again.waitExit(20_000);
      expect(exit.code).toBe(1);
      expect(again.logs()).toMatch(/has previously registered with discovery service token/);
      expect(again.logs()).not.toMatch(/panic/);
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ health: "true" });
      expect(await registered(token)).toHaveLength(3);
      const survivors = [members[0], members[2]] as EtcdProcess[];
      await Promise.all(survivors.map((m) => m.waitHealthy()));
    });
  },
);
