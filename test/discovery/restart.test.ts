/**
 * The server dies (SIGKILL) between the 2nd and 3rd registration and comes
 * back on the same address: no acknowledged registration is lost and the
 * cluster still forms. The server runs as `shoal discovery serve`, a real
 * process. Members on 127.20.4.x (SQLite) and 127.20.5.x (etcd store).
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newToken } from "../../src/discovery/index.js";
import {
  EtcdGroup,
  type EtcdProcess,
  freePort,
  type OwnedProcess,
  serveDiscovery,
  waitFor,
} from "../e2e/harness/index.js";
import { memberList, Owner } from "./helpers.js";

const owner = new Owner();
const etcd = new EtcdGroup();
const backing = new EtcdGroup();
let backingUrl = "";
beforeAll(async () => {
  const [store] = await backing.startCluster(["store"], () => "127.20.9.2");
  backingUrl = (store as EtcdProcess).clientUrl;
});
afterAll(() => backing.cleanup());
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

async function serve(listen: string, store: string): Promise<OwnedProcess> {
  const { proc } = await serveDiscovery(["--listen", listen, "--store", store]);
  owner.defer(() => proc.kill());
  return proc;
}

interface Listed {
  node: { nodes: { key: string; value: string; createdIndex: number }[] };
}
const registered = async (token: string) =>
  ((await (await fetch(token)).json()) as Listed).node.nodes;

describe.each([
  { name: "SQLite", net: 4, store: (dir: string) => `sqlite:${join(dir, "d.db")}` },
  { name: "etcd", net: 5, store: () => `etcd:${backingUrl}` },
])("SIGKILL of the server between registrations ($name store)", ({ net, store }) => {
  it("loses no registration, answers missed watches from history, and the cluster forms", async () => {
    const spec = store(owner.tempDir());
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    const first = await serve(listen, spec);
    const token = await newToken(`http://${listen}`, 3);
    const host = (i: number) => `127.20.${net}.${i + 1}`;

    const early = [0, 1].map((i) => etcd.start({ name: `m${i}`, host: host(i), discovery: token }));
    const two = await waitFor(
      async () => ((await registered(token)).length === 2 ? registered(token) : undefined),
      {
        what: "two registrations",
      },
    );
    expect(await first.kill()).toEqual({ code: null, signal: "SIGKILL" });

    await serve(listen, spec);
    expect(await registered(token)).toEqual(two);
    // A watcher reconnecting with the waitIndex it had gets what it missed, from history.
    const missed = await fetch(`${token}?recursive=true&wait=true&waitIndex=3`);
    expect(((await missed.json()) as { node: { createdIndex: number } }).node.createdIndex).toBe(3);

    const last = etcd.start({ name: "m2", host: host(2), discovery: token });
    const members = [...early, last];
    await Promise.all(members.map((m) => m.waitHealthy(60_000)));
    expect((await memberList(last.clientUrl)).map((m) => m.name).sort()).toEqual([
      "m0",
      "m1",
      "m2",
    ]);
    expect((await registered(token)).map((n) => n.createdIndex)).toEqual([2, 3, 4]);
  });
});
