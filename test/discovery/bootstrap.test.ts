import { afterEach, describe, expect, it } from "vitest";
import { newToken } from "../../src/discovery/index.js";
import { EtcdGroup } from "../e2e/harness/index.js";
import { assertReplicates, memberList, Owner, startServer } from "./helpers.js";

// Members of this file live on 127.20.1.x.
const host = (i: number) => `127.20.1.${i + 1}`;
const owner = new Owner();
const etcd = new EtcdGroup();
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

describe("real etcd 3.4 members bootstrap through shoal's discovery server (SQLite)", () => {
  it("three members started with --discovery form one healthy 3-member cluster", async () => {
    const server = await startServer(owner);
    const token = await newToken(server.url, 3);
    expect(token).toMatch(new RegExp(`^${server.url}/[0-9a-f]{32}$`));

    const members = ["infra0", "infra1", "infra2"].map((name, i) =>
      etcd.start({ name, host: host(i), discovery: token }),
    );
    await Promise.all(members.map((m) => m.waitHealthy()));

    const list = await memberList(members[0]?.clientUrl as string);
    expect(list.map((m) => m.name).sort()).toEqual(["infra0", "infra1", "infra2"]);
    expect(list.map((m) => m.peerURLs[0]).sort()).toEqual(members.map((m) => m.peerUrl).sort());
    expect(
      await assertReplicates(
        members.map((m) => m.clientUrl),
        "/probe",
        "replicated",
      ),
    ).toEqual(["replicated", "replicated", "replicated"]);
    for (const m of members) expect(m.logs()).toMatch(/found self [0-9a-f]+ in the cluster/);
  });
});
