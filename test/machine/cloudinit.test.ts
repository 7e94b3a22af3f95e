/** The boot-time flow up to apply: validation informs and never stops a boot, even when a rule is buggy. */
import { describe, expect, it } from "vitest";
import { allRules, type Rule } from "../../src/cloudconfig/index.js";
import { provision } from "../../src/machine/cloudinit.js";

const META = { hostname: "core-01", machineId: "0".repeat(32), privateIpv4: "172.17.8.101" };
const USER_DATA = new TextEncoder().encode(
  "#cloud-config\ncoreos:\n  etcd2:\n    advertise-client-urls: http://$private_ipv4:2379\n  units:\n    - name: etcd2.service\n      command: start\n  bogus: 1\n",
);

describe("provision at boot", () => {
  it("logs the validator's entries and plans the user-data", () => {
    const p = provision(USER_DATA, META);
    expect(p.kind).toBe("cloud-config");
    expect(p.messages.some((m) => /^line 8: warning: .*bogus/.test(m))).toBe(true);
    if (p.kind !== "cloud-config") return;
    expect(p.plan.units.map((u) => u.name)).toContain("etcd2.service");
  });

  it("turns a rule that throws into an error entry; the other rules and the plan go on", () => {
    const buggy: Rule = function checkBuggy() {
      throw new TypeError("cannot read properties of undefined");
    };
    const p = provision(USER_DATA, META, [buggy, ...allRules]);
    expect(p.messages).toContain(
      "line 1: error: rule checkBuggy failed: cannot read properties of undefined",
    );
    expect(p.messages.some((m) => /^line 8: warning: .*bogus/.test(m))).toBe(true);
    expect(p.kind).toBe("cloud-config");
    if (p.kind !== "cloud-config") return;
    expect(p.plan.units.find((u) => u.name === "etcd2.service")?.command).toBe("start");
  });

  it("refuses user-data it cannot recognize, as upstream's apply does", () => {
    expect(() => provision(new TextEncoder().encode("hello\n"), META)).toThrow(
      "Unrecognized user-data format",
    );
  });
});
