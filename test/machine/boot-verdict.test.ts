import { describe, expect, it } from "vitest";
import { type BootFacts, bootVerdict } from "../../src/machine/agent/boot-verdict.js";

const facts = (over: Partial<BootFacts>): BootFacts => ({
  boot: "running",
  started: [
    { name: "etcd2.service", active: "active" },
    { name: "flanneld.service", active: "failed", reason: "unit not found" },
  ],
  failedCommands: new Set(["flanneld.service"]),
  knownInactive: new Set(["flanneld.service"]),
  trial: true,
  etcd: { healthy: true },
  ...over,
});

describe("whether a boot completed (coreos-setgoodroot's condition)", () => {
  it("is good once the units that ran on the last good boot are active and etcd is healthy", () => {
    expect(bootVerdict(facts({}))).toEqual({ kind: "good" });
  });

  it("waits for etcd's health and for units still starting", () => {
    expect(bootVerdict(facts({ etcd: { healthy: false, reason: "no leader" } }))).toEqual({
      kind: "pending",
      reason: "no leader",
    });
    const starting = facts({ started: [{ name: "etcd2.service", active: "activating" }] });
    expect(bootVerdict(starting)).toEqual({
      kind: "pending",
      reason: "etcd2.service is activating",
    });
    expect(bootVerdict(facts({ boot: "booting" })).kind).toBe("pending");
  });

  it("gives a trial boot up when a unit that ran before failed, or the boot failed", () => {
    const broken = facts({
      started: [{ name: "etcd2.service", active: "activating", reason: "exited 1" }],
      failedCommands: new Set(["etcd2.service"]),
    });
    expect(bootVerdict(broken)).toEqual({ kind: "bad", reason: "etcd2.service failed: exited 1" });
    expect(bootVerdict(facts({ boot: "failed", reason: "bad user-data" }))).toEqual({
      kind: "bad",
      reason: "the boot failed: bad user-data",
    });
  });

  it("holds a trial boot to units never seen fail on a good boot; a known slot only to etcd", () => {
    const newFailure = facts({ knownInactive: new Set() });
    expect(bootVerdict(newFailure).kind).toBe("bad");
    expect(bootVerdict({ ...newFailure, trial: false })).toEqual({ kind: "good" });
    expect(bootVerdict(facts({ etcd: undefined, trial: false }))).toEqual({ kind: "good" });
  });
});
