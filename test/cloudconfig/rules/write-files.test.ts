import { describe } from "vitest";
import { checkWriteFilesPath } from "../../../src/cloudconfig/validate/rules/write-files-path.js";
import { checkWriteFilesUnderCoreos } from "../../../src/cloudconfig/validate/rules/write-files-under-coreos.js";
import { error, ruleTable } from "./helpers.js";

const readOnly = (line: number, column: number) => [
  error(line, column, "file cannot be written to a read-only filesystem"),
];
const path = (p: string) => `write_files:\n  - path: ${p}`;

describe("checkWriteFilesPath", () => {
  ruleTable(checkWriteFilesPath, [
    [path("/usr/x"), readOnly(3, 11)],
    [path("/usrlocal/x"), readOnly(3, 11)],
    [path("/usr/share/oem/x"), readOnly(3, 11)],
    [path("/etc/../usr/x"), readOnly(3, 11)],
    [path("/usr"), []],
    [path("usr/x"), []],
    [path("/opt/usr/x"), []],
    [path("/tmp/usr/valid"), []],
    [path("4"), []],
    // The element after a content block that itself looks like `- path:` lines.
    [
      "write_files:\n  - path: /etc/a\n    content: |\n      - path: /usr/x\n  - path: /usr/y",
      readOnly(6, 11),
    ],
  ]);
});

describe("checkWriteFilesUnderCoreos", () => {
  ruleTable(checkWriteFilesUnderCoreos, [
    [
      "coreos:\n  write_files:\n    - path: /hi",
      [{ kind: "info", line: 3, column: 3, message: "write_files doesn't belong under coreos" }],
    ],
    ["coreos:\n  write-files:\n    - path: /hi", [{ kind: "info", line: 3, column: 3 }]],
    ["write_files:\n  - path: /hi", []],
  ]);
});
