import { describe, expect, it } from "vitest";
import { validate } from "../../src/cloudconfig/index.js";

const at = (text: string) =>
  validate(`#cloud-config\n${text}`).entries.map((e) => [e.line, e.column, e.kind]);

describe("positions come from the parser", () => {
  it("for quoted keys, flow style, CRLF and after content blocks", () => {
    expect(at("'bogus': 1")).toEqual([[2, 1, "warning"]]);
    expect(at('hostname: a\n"bogus": 1')).toEqual([[3, 1, "warning"]]);
    expect(at("coreos: {etcd2: {nope: 1}}")).toEqual([[2, 18, "warning"]]);
    expect(at("hostname: a\r\nbogus: 1\r\n")).toEqual([[3, 1, "warning"]]);
    expect(at("write_files:\n  - content: |\n      bogus: 1\n    bogus: 2")).toEqual([
      [5, 5, "warning"],
    ]);
    expect(at("# bogus: 1\nbogus: 2")).toEqual([[3, 1, "warning"]]);
  });

  it("for YAML syntax errors: one error at the true line, nothing else", () => {
    expect(at("hostname: a: b\nbogus: 1")).toEqual([[2, 11, "error"]]);
    expect(at("a:\na")).toEqual([[3, 1, "error"]]);
    expect(at("coreos:\n\tunits: []")).toEqual([[3, 1, "error"]]);
    expect(at("hostname:\t[a]")).toEqual([[2, 10, "error"]]);
    expect(at("hostname: !!int abc")).toEqual([[2, 11, "error"]]);
    expect(at("content: !!binary |\n  abc")).toEqual([[2, 19, "error"]]);
    expect(at("a: *nope")).toEqual([[2, 4, "error"]]);
  });

  it("reads only the first document", () => {
    expect(at("hostname: a\n---\nbogus: 1\n: : [")).toEqual([]);
    expect(at("---\nbogus: 1")).toEqual([[3, 1, "warning"]]);
  });

  it("follows merge keys and aliases, and survives cycles", () => {
    expect(at("base: &b\n  name: x\n  bogus: 1\nusers:\n  - <<: *b\n    shell: /bin/sh")).toEqual([
      [2, 1, "warning"], // base
      [4, 3, "warning"], // bogus, merged from the anchor, reported where it is written
    ]);
    expect(at("a: &x [*x]\nusers: &u [*u]")).toEqual([
      [2, 1, "warning"],
      [3, 12, "warning"],
    ]);
  });

  it("keeps a tab inside a flow collection or a block scalar", () => {
    expect(at("ssh_authorized_keys: [a,\n \tb]")).toEqual([]);
    expect(at("hostname: |\n  a\tb")).toEqual([]);
  });
});
