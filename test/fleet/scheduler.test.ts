import { describe, expect, it } from "vitest";
import { type Requirements, requirementsOf } from "../../src/fleet/requirements.js";
import {
  type DesiredState,
  machineUnits,
  type SchedMachine,
  type SchedUnit,
  schedule,
} from "../../src/fleet/scheduler.js";
import { parseUnitFile } from "../../src/fleet/unit-file.js";

const A = "aaaaaaaa11111111";
const B = "bbbbbbbb22222222";
const C = "cccccccc33333333";

function m(id: string, metadata: Record<string, string> = {}): SchedMachine {
  return { id, metadata };
}

function u(
  name: string,
  xfleet = "",
  opts: { desired?: DesiredState; target?: string } = {},
): SchedUnit {
  const requirements: Requirements = requirementsOf(
    name,
    parseUnitFile(`[X-Fleet]\n${xfleet}\n`).options,
  );
  return {
    name,
    requirements,
    desired: opts.desired ?? "launched",
    ...(opts.target ? { target: opts.target } : {}),
  };
}

const placements = (units: SchedUnit[], machines: SchedMachine[]) =>
  Object.fromEntries(
    schedule(units, machines)
      .filter((d) => d.action === "schedule")
      .map((d) => [d.unit, d.machine]),
  );

describe("schedule", () => {
  it("places on the least-loaded machine, ties by machine ID", () => {
    const units = [u("a.service"), u("b.service"), u("c.service"), u("d.service")];
    expect(placements(units, [m(C), m(B), m(A)])).toEqual({
      "a.service": A,
      "b.service": B,
      "c.service": C,
      "d.service": A,
    });
  });

  it("counts units already placed, globals included, as load", () => {
    const units = [
      u("g.service", "Global=true"),
      u("x.service", "", { target: A }),
      u("y.service", "", { target: B }),
      u("new.service"),
    ];
    expect(placements(units, [m(A), m(B), m(C)])).toEqual({ "new.service": C });
  });

  it("leaves inactive units and templates alone and unschedules inactive ones", () => {
    const units = [
      u("idle.service", "", { desired: "inactive" }),
      u("tpl@.service", "", { desired: "launched" }),
      u("stopped.service", "", { desired: "inactive", target: A }),
    ];
    expect(schedule(units, [m(A)])).toEqual([
      {
        action: "unschedule",
        unit: "stopped.service",
        machine: A,
        reason: "target state inactive",
      },
    ]);
  });

  it("honours MachineID, full or its 8-character short form", () => {
    expect(placements([u("x.service", `MachineID=${C}`)], [m(A), m(B), m(C)])).toEqual({
      "x.service": C,
    });
    expect(placements([u("x.service", "MachineID=bbbbbbbb")], [m(A), m(B), m(C)])).toEqual({
      "x.service": B,
    });
  });

  it("matches MachineMetadata: OR within a key, AND across keys", () => {
    const machines = [
      m(A, { region: "east", disk: "ssd" }),
      m(B, { region: "west", disk: "hdd" }),
      m(C, { region: "west", disk: "ssd" }),
    ];
    expect(
      placements([u("x.service", 'MachineMetadata="region=west" "disk=ssd"')], machines),
    ).toEqual({ "x.service": C });
    expect(
      placements(
        [u("y.service", "MachineMetadata=region=east\nMachineMetadata=region=west")],
        [m(B, { region: "west" })],
      ),
    ).toEqual({ "y.service": B });
  });

  it("keeps Conflicts apart in both directions and says why a unit cannot be placed", () => {
    const units = [
      u("web@1.service", "Conflicts=web@*.service"),
      u("web@2.service", "Conflicts=web@*.service"),
      u("web@3.service", "Conflicts=web@*.service"),
    ];
    const decisions = schedule(units, [m(A), m(B)]);
    expect(decisions).toEqual([
      { action: "schedule", unit: "web@1.service", machine: A },
      { action: "schedule", unit: "web@2.service", machine: B },
      {
        action: "unplaceable",
        unit: "web@3.service",
        reason: "aaaaaaaa: conflicts with web@1.service; bbbbbbbb: conflicts with web@2.service",
      },
    ]);
    // Only the placed unit declares the conflict: still kept apart.
    const reverse = [u("lonely.service", "Conflicts=noisy*", { target: A }), u("noisy.service")];
    expect(placements(reverse, [m(A), m(B)])).toEqual({ "noisy.service": B });
    // A unit never conflicts with itself.
    expect(schedule([u("self.service", "Conflicts=self*", { target: A })], [m(A)])).toEqual([]);
  });

  it("places a MachineOf follower next to its peer, even when both are new", () => {
    const units = [
      u("a-side.service", "MachineOf=z-main.service"),
      u("z-main.service"),
      u("other.service", "", { target: A }),
    ];
    const got = placements(units, [m(A), m(B)]);
    expect(got["z-main.service"]).toBe(B);
    expect(got["a-side.service"]).toBe(B);
  });

  it("moves a follower when its peer moved, in the same pass", () => {
    const units = [
      u("main.service", "", { target: B }),
      u("side.service", "MachineOf=main.service", { target: A }),
    ];
    expect(schedule(units, [m(A), m(B)])).toEqual([
      {
        action: "unschedule",
        unit: "side.service",
        machine: A,
        reason: "MachineOf main.service, which runs elsewhere",
      },
      { action: "schedule", unit: "side.service", machine: B },
    ]);
  });

  it("reports a MachineOf peer that is not scheduled anywhere", () => {
    expect(schedule([u("side.service", "MachineOf=ghost.service")], [m(A)])).toEqual([
      {
        action: "unplaceable",
        unit: "side.service",
        reason: "aaaaaaaa: MachineOf ghost.service, which is not scheduled",
      },
    ]);
  });

  it("reschedules units of a machine that went away, in the same pass", () => {
    const units = [u("x.service", "", { target: C }), u("y.service", "", { target: A })];
    expect(schedule(units, [m(A), m(B)])).toEqual([
      {
        action: "unschedule",
        unit: "x.service",
        machine: C,
        reason: `target Machine(${C}) went away`,
      },
      { action: "schedule", unit: "x.service", machine: B },
    ]);
  });

  it("says so when no machine is registered, or none matches", () => {
    expect(schedule([u("x.service")], [])).toEqual([
      { action: "unplaceable", unit: "x.service", reason: "no machines are registered" },
    ]);
    expect(schedule([u("x.service", "MachineMetadata=role=db")], [m(A, { role: "web" })])).toEqual([
      {
        action: "unplaceable",
        unit: "x.service",
        reason: "aaaaaaaa: metadata role=web does not match MachineMetadata role=db",
      },
    ]);
  });

  it("moves a replaced unit to the least-loaded other machine without checking it", () => {
    const units = [
      u("old.service", "MachineMetadata=role=a", { target: A }),
      u("new.service", "Replaces=old.service\nMachineMetadata=role=a"),
    ];
    expect(schedule(units, [m(A, { role: "a" }), m(B, { role: "b" })])).toEqual([
      { action: "schedule", unit: "new.service", machine: A },
      { action: "unschedule", unit: "old.service", machine: A, reason: "replaced by new.service" },
      { action: "schedule", unit: "old.service", machine: B },
    ]);
  });

  it("ignores Replaces when two units replace each other", () => {
    const units = [
      u("one.service", "Replaces=two.service", { target: A }),
      u("two.service", "Replaces=one.service", { target: A }),
    ];
    expect(schedule(units, [m(A), m(B)])).toEqual([]);
  });

  it("runs global units on every machine whose metadata matches, skipping conflicts", () => {
    const units = [
      u("agent.service", "Global=true\nMachineMetadata=role=web"),
      u("blocker.service", "Conflicts=agent*", { target: B }),
      u("plain.service", "", { target: A }),
    ];
    const names = (id: string, meta: Record<string, string>) =>
      machineUnits(m(id, meta), units).map((x) => x.name);
    expect(names(A, { role: "web" })).toEqual(["plain.service", "agent.service"]);
    expect(names(B, { role: "web" })).toEqual(["blocker.service"]);
    expect(names(C, { role: "db" })).toEqual([]);
    // The engine never places global units itself.
    expect(schedule(units, [m(A, { role: "web" }), m(B, { role: "web" })])).toEqual([]);
  });
});
