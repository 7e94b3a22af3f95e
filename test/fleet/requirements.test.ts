import { describe, expect, it } from "vitest";
import {
  type Requirements,
  requirementsOf,
  requirementsProblem,
  splitQuoted,
  unknownRequirementKeys,
} from "../../src/fleet/requirements.js";
import { parseUnitFile } from "../../src/fleet/unit-file.js";

function req(name: string, xfleet: string): Requirements {
  return requirementsOf(name, parseUnitFile(`[X-Fleet]\n${xfleet}\n`).options);
}

describe("[X-Fleet] requirements", () => {
  it("splits quoted values only when the whole value is quoted", () => {
    expect(splitQuoted('"a=1" "b=2"')).toEqual(["a=1", "b=2"]);
    expect(splitQuoted('"a b" c')).toEqual(['"a b" c']);
    expect(splitQuoted('"x=hello world"')).toEqual(["x=hello world"]);
    expect(splitQuoted("plain")).toEqual(["plain"]);
  });

  it("groups MachineMetadata per key however the values are spread over lines", () => {
    const r = req(
      "x.service",
      'MachineMetadata="region=us-east-1" "job=foo"\nMachineMetadata="region=us-west-1" "job=bar"\nMachineMetadata=bad\nMachineMetadata=a=b=c\nMachineMetadata==x',
    );
    expect(r.metadata).toEqual({ region: ["us-east-1", "us-west-1"], job: ["foo", "bar"] });
  });

  it("expands specifiers, splits Conflicts on whitespace but not Replaces", () => {
    const r = req(
      "web@3.service",
      "MachineOf=sidekick@%i.service\nConflicts=web@*.service db*\nReplaces=old web*",
    );
    expect(r.machineOf).toEqual(["sidekick@3.service"]);
    expect(r.conflicts).toEqual(["web@*.service", "db*"]);
    expect(r.replaces).toEqual(["old web*"]);
  });

  it("takes the first MachineID, the last Global, and reads deprecated keys", () => {
    expect(req("a.service", "MachineID=abc\nMachineID=def").machineId).toBe("abc");
    expect(req("a.service", "X-ConditionMachineID=abc").machineId).toBe("abc");
    expect(req("a.service", "X-ConditionMachineBootID=boot").machineId).toBe("boot");
    expect(req("a.service", "Global=true\nGlobal=no").global).toBe(false);
    for (const v of ["true", "YES", "1", "on", "t"]) {
      expect(req("a.service", `Global=${v}`).global).toBe(true);
    }
    expect(req("a.service", "X-Conflicts=b*").conflicts).toEqual(["b*"]);
    expect(req("a.service", "X-ConditionMachineOf=b.service").machineOf).toEqual(["b.service"]);
    expect(req("a.service", "X-ConditionMachineMetadata=r=1").metadata).toEqual({ r: ["1"] });
  });

  it("lists unknown keys (fleetctl warns about them)", () => {
    const { options } = parseUnitFile("[X-Fleet]\nMachineID=a\nColour=blue\n[Service]\nFoo=1\n");
    expect(unknownRequirementKeys(options).map((o) => o.name)).toEqual(["Colour"]);
  });

  it.each([
    ["MachineID=a\nMachineOf=b.service", "MachineID cannot be used with Peers"],
    ["MachineID=a\nConflicts=b*", "MachineID cannot be used with Conflicts"],
    ["MachineID=a\nGlobal=true", "MachineID cannot be used with Global"],
    ["MachineID=a\nReplaces=b.service", "MachineID cannot be used with Replaces"],
    ["Global=true\nMachineOf=b.service", "Global cannot be used with Peers"],
    ["Global=true\nReplaces=b.service", "Global cannot be used with Replaces"],
    ["Conflicts=b*\nReplaces=c.service", "Conflicts cannot be used with Replaces"],
    [
      "MachineOf=db.service\nConflicts=d*",
      'unresolvable requirements: peer "db.service" matches conflict "d*"',
    ],
    [
      "MachineOf=db.service\nReplaces=db.*",
      'unresolvable requirements: peer "db.service" matches replace "db.*"',
    ],
    ["Global=true\nMachineMetadata=role=web", undefined],
    ["Global=true\nConflicts=x*", undefined],
    ["MachineOf=db.service\nConflicts=web*", undefined],
  ])("%j -> %s", (xfleet, problem) => {
    expect(requirementsProblem(req("u.service", xfleet))).toBe(problem);
  });
});
