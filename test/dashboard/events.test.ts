import { describe, expect, it } from "vitest";
import { changes } from "../../src/dashboard/events.js";
import type {
  ChannelView,
  ClusterView,
  FleetUnitView,
  MachineView,
} from "../../src/dashboard/types.js";

type Look = Pick<ClusterView, "machines" | "etcd" | "fleet"> &
  Partial<Pick<ClusterView, "updates">>;

const machine = (name: string, state: MachineView["state"]): MachineView => ({
  name,
  state,
  provider: "process",
  address: "127.17.8.101",
});

function look(opts: {
  states?: Record<string, MachineView["state"]>;
  leader?: string;
  units?: FleetUnitView[];
  reachable?: boolean;
}): Look {
  return {
    machines: Object.entries(opts.states ?? { "core-01": "running" }).map(([n, s]) =>
      machine(n, s as MachineView["state"]),
    ),
    etcd: { members: [], ...(opts.leader ? { leaderMachine: opts.leader } : {}) },
    fleet: { reachable: opts.reachable ?? true, machines: [], units: opts.units ?? [] },
  };
}

const unit = (name: string, machine?: string, active?: string): FleetUnitView => ({
  name,
  desired: "launched",
  current: "launched",
  ...(machine ? { machine } : {}),
  ...(active ? { active, sub: active === "active" ? "running" : "failed" } : {}),
});

const AT = "2026-11-30T08:00:00.000Z";

describe("changes between two looks", () => {
  const cases: Array<[string, Look, Look, Array<[string, string]>]> = [
    ["nothing changed", look({}), look({}), []],
    [
      "a halt",
      look({ states: { "core-02": "running" } }),
      look({ states: { "core-02": "poweroff" } }),
      [["halt", "core-02 powered off"]],
    ],
    [
      "a boot",
      look({ states: { "core-02": "poweroff" } }),
      look({ states: { "core-02": "running" } }),
      [["boot", "core-02 booted (was poweroff)"]],
    ],
    [
      "an agent killed",
      look({ states: { "core-03": "running" } }),
      look({ states: { "core-03": "aborted" } }),
      [["abort", "core-03 aborted: its agent died without halting"]],
    ],
    [
      "a destroy",
      look({ states: { "core-01": "poweroff" } }),
      look({ states: { "core-01": "not created" } }),
      [["destroy", "core-01 destroyed"]],
    ],
    [
      "a first leader",
      look({}),
      look({ leader: "core-01" }),
      [["leader", "etcd leader is core-01"]],
    ],
    [
      "a leader change",
      look({ leader: "core-01" }),
      look({ leader: "core-03" }),
      [["leader", "etcd leader moved from core-01 to core-03"]],
    ],
    ["a leader lost is no event of its own", look({ leader: "core-01" }), look({}), []],
    [
      "a unit placed",
      look({ units: [unit("web.service")] }),
      look({ units: [unit("web.service", "core-02")] }),
      [["unit-placed", "web.service placed on core-02"]],
    ],
    [
      "a new unit placed at once",
      look({}),
      look({ units: [unit("web.service", "core-02")] }),
      [["unit-placed", "web.service placed on core-02"]],
    ],
    [
      "a unit moved",
      look({ units: [unit("web.service", "core-02")] }),
      look({ units: [unit("web.service", "core-03")] }),
      [["unit-moved", "web.service moved from core-02 to core-03"]],
    ],
    [
      "a unit failed",
      look({ units: [unit("web.service", "core-02", "active")] }),
      look({ units: [unit("web.service", "core-02", "failed")] }),
      [["unit-failed", "web.service failed on core-02"]],
    ],
    [
      "a unit still failed is not news",
      look({ units: [unit("web.service", "core-02", "failed")] }),
      look({ units: [unit("web.service", "core-02", "failed")] }),
      [],
    ],
    [
      "a unit destroyed",
      look({ units: [unit("web.service", "core-02")] }),
      look({}),
      [["unit-gone", "web.service destroyed"]],
    ],
    [
      "fleet unreachable is not every unit destroyed",
      look({ units: [unit("web.service", "core-02")] }),
      look({ reachable: false }),
      [],
    ],
  ];
  it.each(cases)("%s", (_name, before, after, want) => {
    const got = changes(before, after, AT);
    expect(got.map((e) => [e.kind, e.text])).toEqual(want);
    for (const e of got) expect(e.at).toBe(AT);
  });
});

describe("update changes between two looks", () => {
  const core01 = (update: Partial<MachineView>): Look => ({
    ...look({}),
    machines: [{ ...machine("core-01", "running"), ...update }],
  });
  const stable = (c: Partial<ChannelView>): Look => ({
    ...look({}),
    updates: { channels: [{ name: "stable", release: "0.1.0", base: true, ...c }] },
  });
  const idle = { version: "0.1.0", updateStatus: "UPDATE_STATUS_IDLE" };
  const cases: Array<[string, Look, Look, Array<[string, string]>]> = [
    [
      "an update installed",
      core01({ ...idle, updateStatus: "UPDATE_STATUS_FINALIZING", newVersion: "1.1.0" }),
      core01({ ...idle, updateStatus: "UPDATE_STATUS_UPDATED_NEED_REBOOT", newVersion: "1.1.0" }),
      [["update", "core-01 installed 1.1.0; it needs a reboot"]],
    ],
    [
      "an engine that starts answering in NEED_REBOOT is not news",
      core01({ version: "0.1.0" }),
      core01({ ...idle, updateStatus: "UPDATE_STATUS_UPDATED_NEED_REBOOT", newVersion: "1.1.0" }),
      [],
    ],
    [
      "a new release running",
      core01(idle),
      core01({ ...idle, version: "1.1.0" }),
      [["update", "core-01 runs 1.1.0 (was 0.1.0)"]],
    ],
    [
      "an update refused",
      core01(idle),
      core01({ ...idle, updateError: "error code 10 (PayloadHashMismatch) updating to 1.1.0" }),
      [["update-failed", "core-01: error code 10 (PayloadHashMismatch) updating to 1.1.0"]],
    ],
    [
      "a release published",
      stable({}),
      stable({ release: "1.1.0", base: false }),
      [["release", "1.1.0 published to stable"]],
    ],
    [
      "a rollout paused",
      stable({ release: "1.1.0", base: false }),
      stable({ release: "1.1.0", base: false, paused: "core-01 reported error code 10" }),
      [["rollout-paused", "stable's rollout of 1.1.0 paused: core-01 reported error code 10"]],
    ],
    [
      "a rollout resumed",
      stable({ release: "1.1.0", base: false, paused: "core-01 reported error code 10" }),
      stable({ release: "1.1.0", base: false }),
      [["rollout-resumed", "stable's rollout of 1.1.0 resumed"]],
    ],
    [
      "a pause lifted by a newer release is its publication, not a resume",
      stable({ release: "1.1.0", base: false, paused: "core-01 reported error code 10" }),
      stable({ release: "1.2.0", base: false }),
      [["release", "1.2.0 published to stable"]],
    ],
  ];
  it.each(cases)("%s", (_name, before, after, want) => {
    const got = changes(before, after, AT);
    expect(got.map((e) => [e.kind, e.text])).toEqual(want);
    for (const e of got) expect(e.at).toBe(AT);
  });
});
