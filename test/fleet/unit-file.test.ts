import { describe, expect, it } from "vitest";
import { parseUnitFile, serializeUnit, unitHash } from "../../src/fleet/unit-file.js";

const opts = (text: string) =>
  parseUnitFile(text).options.map(({ section, name, value }) => [section, name, value]);

describe("unit files as go-systemd reads and writes them", () => {
  // Inputs and expected options from go-systemd's own deserialize tests.
  it.each([
    [
      "comment-looking lines inside a continuation are part of the value",
      "[Unit]\nDescription=Bar\\\n# comment alpha\n\nDescription=Bar\\\n# comment bravo \\\nBaz\n",
      [
        ["Unit", "Description", "Bar\\\n# comment alpha"],
        ["Unit", "Description", "Bar\\\n# comment bravo \\\nBaz"],
      ],
    ],
    [
      "options before the first section are ignored",
      "Description=Foo\n[Unit]\nDescription=Bar\n",
      [["Unit", "Description", "Bar"]],
    ],
    [
      "garbage before the first section is ignored",
      "<<<<<<<<\n[Unit]\nDescription=Bar\n",
      [["Unit", "Description", "Bar"]],
    ],
    ["option names may be anything but =", "[Unit]\n<<<<<<<<=Bar\n", [["Unit", "<<<<<<<<", "Bar"]]],
    ["option names with spaces", "[Unit]\nSome Thing = Bar\n", [["Unit", "Some Thing", "Bar"]]],
    ["no trailing newline", "[Unit]\nDescription=Bar", [["Unit", "Description", "Bar"]]],
    [
      "a continuation at the end of the file",
      "[Unit]\nDescription=Bar \\",
      [["Unit", "Description", "Bar \\"]],
    ],
    ["utf-8 kept", "[©]\nµ☃=ÇôrèÕ$", [["©", "µ☃", "ÇôrèÕ$"]]],
    [
      "whitespace around names",
      "[Unit]\n Description   =words here\n",
      [["Unit", "Description", "words here"]],
    ],
    [
      "whitespace around values",
      "[Unit]\nDescription= words here ",
      [["Unit", "Description", "words here"]],
    ],
    [
      "a continuation ended by a blank line keeps its newline",
      "[Unit]\nDescription= words here \\\n  ",
      [["Unit", "Description", "words here \\\n"]],
    ],
    [
      "a backslash followed by text is not a continuation",
      '[Service]\nExecStart=/bin/bash -c "while true; do echo \\"ping\\"; sleep 1; done"\n',
      [["Service", "ExecStart", '/bin/bash -c "while true; do echo \\"ping\\"; sleep 1; done"']],
    ],
  ])("%s", (_why, text, expected) => {
    expect(parseUnitFile(text).problems).toEqual([]);
    expect(opts(text)).toEqual(expected);
  });

  it("keeps a continued ExecStart as written, so cat shows it as fleet does", () => {
    const text = '[Service]\nExecStart=/bin/sh -c "while true; do echo hi; \\\n  sleep 1; done"\n';
    const { options } = parseUnitFile(text);
    expect(options[0]?.value).toBe('/bin/sh -c "while true; do echo hi; \\\n  sleep 1; done"');
    expect(serializeUnit(options)).toBe(text);
  });

  // Hashes computed by fleet itself, from its unit and systemd tests.
  it.each([
    ["[Service]\nExecStart=/bin/sleep 100\n", "1c6fb6f3684bafb0c173d8b8b957ceff031180c1"],
    [
      "\n[Service]\nExecStart=/usr/bin/sleep infinity\n",
      "40ea6646945809f4b420a50475ee68503088f127",
    ],
    ["[Service]\nExecStart=/usr/bin/sleep infinity", "40ea6646945809f4b420a50475ee68503088f127"],
    ["[Service]\nExecStart=/usr/bin/sleep 10", "5bf16b98c62f35fcdc723d32989cdeba7a2dd2a8"],
    ["[Service]\nExecStart=/usr/bin/sleep 2000", "5ba5292ab6a82b623ee6086dc90b3354ba004832"],
  ])("hashes %j as fleet does", (text, hash) => {
    expect(unitHash(parseUnitFile(text).options)).toBe(hash);
  });

  it("serialises sections in first-seen order with a blank line between", () => {
    const { options } = parseUnitFile(
      "# c\n[Unit]\nDescription=Hello   World\n; c\n[Service]\nExecStart=/bin/true\n[Unit]\nAfter=x\n",
    );
    expect(serializeUnit(options)).toBe(
      "[Unit]\nDescription=Hello   World\nAfter=x\n\n[Service]\nExecStart=/bin/true\n",
    );
  });

  it("stops at the first problem and says on which line, as go-systemd stops", () => {
    expect(parseUnitFile("[Service]\nExecStart=/bin/true\njunk\n[X]\n").problems).toEqual([
      { line: 3, message: "unexpected newline encountered while parsing option name" },
    ]);
    expect(parseUnitFile("[Unit\nDescription=x\n").problems).toEqual([
      { line: 1, message: "unable to find end of section" },
    ]);
    expect(parseUnitFile("[Unit] x\n").problems).toEqual([
      { line: 1, message: "found garbage after section name Unit: x" },
    ]);
    expect(parseUnitFile(`[Unit]\nDescription=${"x".repeat(2100)}\n`).problems).toEqual([
      { line: 2, message: "line too long" },
    ]);
  });
});
