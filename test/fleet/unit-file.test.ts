import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseUnitFile, serializeUnit, unitHash } from "../../src/fleet/unit-file.js";

const HELLO = `# a comment
[Unit]
Description=Hello   World

[Service]
ExecStart=/bin/sh -c "while true; do echo hi; \\
  sleep 1; done"
; another comment
[X-Fleet]
Conflicts=hello*
`;

describe("unit files", () => {
  it("parses sections, options, continuations and their lines", () => {
    const { options, problems } = parseUnitFile(HELLO);
    expect(problems).toEqual([]);
    expect(options).toEqual([
      { section: "Unit", name: "Description", value: "Hello   World", line: 3 },
      {
        section: "Service",
        name: "ExecStart",
        value: '/bin/sh -c "while true; do echo hi;  sleep 1; done"',
        line: 6,
      },
      { section: "X-Fleet", name: "Conflicts", value: "hello*", line: 10 },
    ]);
  });

  it("serialises as go-systemd does and hashes the serialised form", () => {
    const { options } = parseUnitFile(HELLO);
    const text = serializeUnit(options);
    expect(text).toBe(
      '[Unit]\nDescription=Hello   World\n\n[Service]\nExecStart=/bin/sh -c "while true; do echo hi;  sleep 1; done"\n\n[X-Fleet]\nConflicts=hello*\n',
    );
    expect(unitHash(options)).toBe(createHash("sha1").update(text).digest("hex"));
    // Comments and spacing do not change the identity.
    const respaced = parseUnitFile(
      `[Unit]\n  Description = Hello   World\n${HELLO.slice(HELLO.indexOf("[Service]"))}`,
    );
    expect(unitHash(respaced.options)).toBe(unitHash(options));
  });

  it("reports what it cannot parse, with the line", () => {
    const { problems } = parseUnitFile("Description=x\n[Unit\n[Service]\njunk\n");
    expect(problems).toEqual([
      { line: 1, message: "found property outside of any section" },
      { line: 2, message: "unable to find end of section: [Unit" },
      { line: 4, message: 'unable to parse option: "junk"' },
    ]);
  });
});
