import { describe } from "vitest";
import { checkDiscoveryUrl } from "../../../src/cloudconfig/validate/rules/discovery-url.js";
import { ruleTable, warning } from "./helpers.js";

const bad = (line: number, column: number) => [warning(line, column, "discovery URL is not valid")];
const etcd = (value: string) => `coreos:\n  etcd:\n    discovery: ${value}`;

describe("checkDiscoveryUrl", () => {
  ruleTable(checkDiscoveryUrl, [
    [etcd("https://discovery.etcd.io/abc"), []],
    [etcd("http://127.0.0.1:4001/v2/keys/x"), []],
    [etcd("/just/a/path"), []],
    [etcd("disco"), bad(4, 16)],
    [etcd("$public_ipv4"), bad(4, 16)],
    [etcd("<集群标识URL地址>"), bad(4, 16)],
    [etcd("4"), bad(4, 16)],
    [etcd("mailto:a@b"), bad(4, 16)],
    [etcd("http://a:port/x"), bad(4, 16)],
    [etcd("http://a/%zz"), bad(4, 16)],
    [etcd("''"), bad(4, 16)],
    [etcd("[a]"), bad(4, 16)],
    [etcd(""), []],
    // etcd2's discovery is not checked, as upstream.
    ["coreos:\n  etcd2:\n    discovery: disco", []],
    ["coreos: {etcd: {discovery: x}}", bad(2, 28)],
  ]);
});
