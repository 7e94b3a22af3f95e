import { describe, expect, it } from "vitest";
import {
  bridgeAddress,
  clusterId,
  loopbackAddress,
  machineName,
  netnsName,
  vethName,
} from "../../src/cluster/index.js";
import { gatewayAddress } from "../../src/cluster/providers/common/names.js";
import { parseLinkNames, parseNetnsNames } from "../../src/cluster/providers/namespace/network.js";
import { defaultDoctorEnv } from "../../src/doctor/index.js";

describe("names and addresses", () => {
  it("follows coreos-vagrant: core-0i at 172.17.8.(100+i), the process provider on 127.17.8.(100+i)", () => {
    expect([1, 2, 10, 25].map((i) => machineName("core", i))).toEqual([
      "core-01",
      "core-02",
      "core-10",
      "core-25",
    ]);
    expect(bridgeAddress("172.17.8.0/24", 1)).toBe("172.17.8.101");
    expect(bridgeAddress("172.17.8.0/24", 25)).toBe("172.17.8.125");
    expect(loopbackAddress("172.17.8.0/24", 3)).toBe("127.17.8.103");
    expect(loopbackAddress("10.4.5.0/24", 1)).toBe("127.4.5.101");
    expect(gatewayAddress("172.17.8.0/24")).toBe("172.17.8.1");
  });

  it("gives host resources names Linux accepts and no two clusters share", () => {
    const a = clusterId("/home/a/cluster");
    const b = clusterId("/home/b/cluster");
    expect(a).toMatch(/^[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
    expect(clusterId("/home/a/cluster")).toBe(a);
    for (const i of [1, 25, 154]) expect(vethName(a, i).length).toBeLessThanOrEqual(15);
    expect(netnsName(a, "core-01")).toBe(`shoal-${a}-core-01`);
  });

  it("is where doctor looks for the machines' addresses", () => {
    expect(defaultDoctorEnv({}).machineAddresses).toEqual(
      [101, 102, 103, 104, 105].map((n) => `127.17.8.${n}`),
    );
  });

  it("reads iproute2's listings", () => {
    expect(
      parseLinkNames(
        "7: shabc123v1@if2: <BROADCAST,MULTICAST,UP> mtu 1500 master shoal0\n9: shoal0: <BROADCAST> mtu 1500\n",
      ),
    ).toEqual(["shabc123v1", "shoal0"]);
    expect(parseNetnsNames("shoal-abc123-core-02 (id: 1)\nshoal-abc123-core-01\n")).toEqual([
      "shoal-abc123-core-02",
      "shoal-abc123-core-01",
    ]);
  });
});
