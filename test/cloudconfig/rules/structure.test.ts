import { describe } from "vitest";
import { checkStructure } from "../../../src/cloudconfig/validate/rules/structure.js";
import { error, ruleTable, warning } from "./helpers.js";

const unknown = (name: string) => `unrecognized key "${name}"`;
const type = (name: string, want: string) => `incorrect type for "${name}" (want ${want})`;

describe("checkStructure", () => {
  ruleTable(checkStructure, [
    ["hostname: a\nusers:\n  - name: core\n    groups: [sudo]", []],
    ["test:", [warning(2, 1, unknown("test"))]],
    ["coreos:\n  flannel:\n    bad:", [warning(4, 5, unknown("bad"))]],
    ["write-files:\n  - path: /x", []],
    ["hostname:\n  - name", [warning(2, 1, type("hostname", "string"))]],
    ["hostname: ''", []],
    ["hostname: ~", [warning(2, 1, type("hostname", "string"))]],
    ["coreos: 4", [warning(2, 1, type("coreos", "struct"))]],
    [
      "coreos:\n  units:\n    - hello\n    - goodbye",
      [warning(4, 7, type("units[0]", "struct")), warning(5, 7, type("units[1]", "struct"))],
    ],
    ["coreos:\n  units:\n    - enable: 4", [warning(4, 7, type("enable", "bool"))]],
    ["coreos:\n  fleet:\n    etcd_request_timeout: 2", []],
    ["coreos:\n  fleet:\n    verbosity: 1.0", [warning(4, 5, type("verbosity", "int"))]],
    [
      "ssh_authorized_keys:\n  - 1\n  - [a]",
      [warning(4, 5, type("ssh_authorized_keys[1]", "string"))],
    ],
    ['"hostname":\n  - a', [warning(2, 1, type("hostname", "string"))]],
    ["coreos: {units: [{enable: 4}]}", [warning(2, 19, type("enable", "bool"))]],
    [
      "coreos:\n  units:\n    - name: b\n      content: |\n        enable: yes\n      enable: 4",
      [warning(7, 7, type("enable", "bool"))],
    ],
    // A list or map where an enumerated value belongs: upstream crashed; shoal reports an error.
    ["coreos:\n  units:\n    - command:\n        x: y", [error(4, 7, type("command", "string"))]],
    [
      "coreos:\n  update:\n    reboot_strategy: [off]",
      [error(4, 5, type("reboot_strategy", "string"))],
    ],
    // Deprecated single options still warn; etcd itself does not (shoal runs it).
    [
      "coreos:\n  etcd:\n    proxy: hi",
      [warning(4, 5, 'deprecated key "proxy" (etcd2 options no longer work for etcd)')],
    ],
    [
      "users:\n  - name: a\n    coreos-ssh-import-github: a",
      [
        warning(
          4,
          5,
          'deprecated key "coreos_ssh_import_github" (trying to fetch from a remote endpoint introduces too many intermittent errors)',
        ),
      ],
    ],
    // Duplicates: the last one wins and is the one checked.
    ["hostname: [a]\nhostname: b", []],
    ["hostname: b\nhostname: [a]", [warning(3, 1, type("hostname", "string"))]],
    // The top level may be anything but a map without complaint.
    ["- a", []],
    ["just a string", []],
  ]);
});

describe("checkStructure hints", () => {
  ruleTable(checkStructure, [
    ["peer-addr: x", [warning(2, 1, unknown("peer_addr"), "this key belongs under coreos.etcd")]],
    ["Hostname: x", [warning(2, 1, unknown("Hostname"), 'did you mean "hostname"?')]],
    [
      "coreos:\n  locksmithd: {}",
      [warning(3, 3, unknown("locksmithd"), 'did you mean "locksmith"?')],
    ],
    [
      "coreos:\n  etcd:\n    units: []",
      [warning(4, 5, unknown("units"), "this key belongs under coreos")],
    ],
    [
      "coreos:\n  etcd2:\n    discovry: x",
      [warning(4, 5, unknown("discovry"), 'did you mean "discovery"?')],
    ],
    ["write_files:\n  - path: /a\n    mode: 0644", [warning(4, 5, unknown("mode"))]],
    [
      "coreos:\n  units:\n    - name: a\n      drop_ins:\n        - name: b\n          contents: x",
      [warning(7, 11, unknown("contents"), 'did you mean "content"?')],
    ],
    [
      "discovery: x",
      [
        warning(
          2,
          1,
          unknown("discovery"),
          "this key belongs under coreos.etcd or under coreos.etcd2",
        ),
      ],
    ],
    [
      "coreos:\n  ssh_authorized_keys: []",
      [
        warning(
          3,
          3,
          unknown("ssh_authorized_keys"),
          "this key belongs at the top level or under each item of users",
        ),
      ],
    ],
  ]);
});
