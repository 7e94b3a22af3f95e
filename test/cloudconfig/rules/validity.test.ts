import { describe } from "vitest";
import { checkValidity } from "../../../src/cloudconfig/validate/rules/validity.js";
import { error, ruleTable } from "./helpers.js";

const invalid = (value: string, line: number, column: number) => [
  error(line, column, `invalid value ${value}`),
];
const update = (v: string) => `coreos:\n  update:\n    reboot-strategy: ${v}`;
const perms = (v: string) => `write_files:\n  - permissions: ${v}`;

describe("checkValidity", () => {
  ruleTable(checkValidity, [
    // The source text counts: off stays "off", 0744 stays "0744".
    [update("off"), []],
    [update("etcd-lock"), []],
    [update("best-effort"), []], // kept valid on purpose (v1.13 allowed it)
    [update("false"), invalid("false", 4, 22)],
    [update("always"), invalid("always", 4, 22)],
    [update("4"), invalid("4", 4, 22)],
    [update("''"), []],
    [perms("0744"), []],
    [perms("'744'"), []],
    [perms("0999"), invalid("0999", 3, 18)],
    [perms("0x1ed"), invalid("0x1ed", 3, 18)],
    [perms("493"), invalid("493", 3, 18)],
    ["coreos:\n  etcd2:\n    proxy: on", []],
    ["coreos:\n  etcd2:\n    proxy: maybe", invalid("maybe", 4, 12)],
    ["coreos:\n  locksmith:\n    window_start: Thu 04:00", []],
    ["coreos:\n  locksmith:\n    window_start: thursday 04:00", invalid("thursday 04:00", 4, 19)],
    ["coreos:\n  locksmith:\n    window_length: 1h30m", []],
    ["coreos:\n  locksmith:\n    window_length: 1 hour", invalid("1 hour", 4, 20)],
    ["write_files:\n  - encoding: base65", invalid("base65", 3, 15)],
    [
      "coreos:\n  units:\n    - name: a\n      command: start\n    - name: b\n      command: lol\n    - command: nope",
      [...invalid("lol", 7, 16), ...invalid("nope", 8, 16)],
    ],
    ["coreos:\n  units: [{enable: 4}, {command: lol}]", invalid("lol", 3, 34)],
    // A collection is the structure rule's business, not this one's.
    ["coreos:\n  units:\n    - command: [start]", []],
  ]);
});
