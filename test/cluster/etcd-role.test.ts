import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { advertisedClientUrl, etcdRole, raftTimers } from "../../src/cluster/etcd-role.js";

const FIXTURES = new URL("../fixtures/coreos-vagrant/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const meta = {
  hostname: "core-02",
  machineId: "m",
  privateIpv4: "172.17.8.102",
  publicIpv4: "172.17.8.102",
};

describe("etcd roles", () => {
  it("finds where each sample's members serve clients, after substitution", () => {
    expect(advertisedClientUrl(fixture("user-data.sample"), meta)).toBe("http://172.17.8.102:2379");
    expect(advertisedClientUrl(fixture("user-data-2014.sample"), meta)).toBe(
      "http://172.17.8.102:4001",
    );
    expect(advertisedClientUrl("#cloud-config\n", meta)).toBe("http://172.17.8.102:2379");
  });

  it("makes the first etcdSize machines members and the rest proxies to them", () => {
    const urls = ["http://a:2379", "http://b:2379"];
    expect(etcdRole(2, 2, urls)).toEqual({ role: "member" });
    expect(etcdRole(3, 2, urls)).toEqual({ role: "proxy", endpoints: urls });
  });
});

describe("raft timers", () => {
  it("reach members through their config drive's etcd role, and only valid ones", () => {
    const timers = raftTimers({
      SHOAL_ETCD_HEARTBEAT_INTERVAL: "20",
      SHOAL_ETCD_ELECTION_TIMEOUT: "200ms",
    });
    expect(timers).toEqual({ ETCD_HEARTBEAT_INTERVAL: "20" });
    expect(etcdRole(1, 1, [], timers)).toEqual({
      role: "member",
      env: { ETCD_HEARTBEAT_INTERVAL: "20" },
    });
    expect(etcdRole(2, 1, ["http://a:2379"], timers)).toEqual({
      role: "proxy",
      endpoints: ["http://a:2379"],
    });
    expect(raftTimers({})).toBeUndefined();
  });
});
