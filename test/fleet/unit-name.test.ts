import { describe, expect, it } from "vitest";
import {
  expandSpecifiers,
  isTemplate,
  templateOf,
  unitNameFromArg,
  unitNameProblem,
} from "../../src/fleet/unit-name.js";

describe("unit names", () => {
  it.each([
    ["hello.service", undefined],
    ["foo@.service", undefined],
    ["foo@1.service", undefined],
    ["", "unit name cannot be empty"],
    [`${"a".repeat(250)}.service`, "unit name exceeds maximum length (256)"],
    ["hello", 'unit name must contain "."'],
    ["hello.", 'unit name cannot end in "."'],
    ["hello.exe", 'invalid unit type: "exe"'],
    ["hel lo.service", 'invalid character " " in unit name'],
    ["@foo.service", 'unit name cannot start in "@"'],
    ["data@1.mount", 'unit type "mount" cannot be a template or an instance'],
  ])("%s -> %s", (name, problem) => {
    expect(unitNameProblem(name)).toBe(problem);
  });

  it("knows templates and their instances", () => {
    expect(isTemplate("foo@.service")).toBe(true);
    expect(isTemplate("foo@1.service")).toBe(false);
    expect(isTemplate("foo.service")).toBe(false);
    expect(templateOf("foo@1.service")).toBe("foo@.service");
    expect(templateOf("foo@a.b.timer")).toBe("foo@.timer");
    expect(templateOf("foo.service")).toBeUndefined();
    expect(templateOf("foo@.service")).toBeUndefined();
  });

  it("expands %n %N %p %i from the unit name", () => {
    expect(expandSpecifiers("%n|%N|%p|%i", "subgun-http@2.service")).toBe(
      "subgun-http@2.service|subgun-http@2|subgun-http|2",
    );
    expect(expandSpecifiers("MachineOf=%p-db@%i.service", "web@7.service")).toBe(
      "MachineOf=web-db@7.service",
    );
    expect(expandSpecifiers("%p/%i", "plain.service")).toBe("plain/");
  });

  it("reduces arguments to a base name and adds .service when needed", () => {
    expect(unitNameFromArg("units/hello.service")).toBe("hello.service");
    expect(unitNameFromArg("hello")).toBe("hello.service");
    expect(unitNameFromArg("/x/y/backup.timer")).toBe("backup.timer");
    expect(unitNameFromArg("foo@1")).toBe("foo@1.service");
    expect(unitNameFromArg("app.v2")).toBe("app.v2.service");
  });
});
