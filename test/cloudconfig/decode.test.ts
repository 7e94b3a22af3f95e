import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseCloudConfig } from "../../src/cloudconfig/index.js";

const parse = (yaml: string) => parseCloudConfig(`#cloud-config\n${yaml}`);

describe("parseCloudConfig", () => {
  it("keeps the source text of string fields (the raw-text rule)", () => {
    const { config } = parse(
      "hostname: true\nmanage-etc-hosts: localhost\nwrite_files:\n  - path: /a\n    permissions: 0744\n" +
        "coreos:\n  update:\n    reboot-strategy: off\n  etcd2:\n    proxy: on\n    name: ~\n",
    );
    expect(config.hostname).toBe("true");
    expect(config.manage_etc_hosts).toBe("localhost");
    expect(config.write_files?.[0]?.permissions).toBe("0744");
    expect(config.coreos?.update?.reboot_strategy).toBe("off");
    expect(config.coreos?.etcd2).toEqual({ proxy: "on", name: "" });
  });

  it("resolves YAML 1.1 bools and numbers in typed fields", () => {
    const { config } = parse(
      "coreos:\n  units:\n    - name: a\n      mask: yes\n      runtime: on\n      enable: y\n" +
        "  fleet:\n    verbosity: 0x2\n    etcd_request_timeout: 2\n    engine_reconcile_interval: 1.5\n",
    );
    expect(config.coreos?.units?.[0]).toEqual({
      name: "a",
      mask: true,
      runtime: true,
      enable: true,
    });
    expect(config.coreos?.fleet).toEqual({
      verbosity: 2,
      etcd_request_timeout: 2,
      engine_reconcile_interval: 1.5,
    });
  });

  it("drops values of the wrong type and ignores unknown keys, but reports them", () => {
    const { config, report, error } = parse(
      "ssh_authorized_keys:\n  - {foo: bar}\n  - ssh-rsa AAAA\ncoreos:\n  fleet:\n    verbosity: '2'\nbogus: 1\n",
    );
    expect(error).toBeUndefined();
    expect(config).toEqual({ ssh_authorized_keys: ["ssh-rsa AAAA"], coreos: { fleet: {} } });
    expect(report.entries.map((e) => [e.line, e.kind])).toEqual([
      [3, "warning"],
      [7, "warning"],
      [8, "warning"],
    ]);
  });

  it("decodes write_files content with every encoding and clears the encoding", () => {
    const gz = gzipSync(Buffer.from("zipped\n"));
    const { config } = parse(
      "write_files:\n" +
        "  - {path: /a, content: plain}\n" +
        "  - {path: /b, encoding: b64, content: aGVsbG8K}\n" +
        `  - {path: /c, encoding: gzip+base64, content: ${gz.toString("base64")}}\n` +
        `  - {path: /d, encoding: gz, content: !!binary ${gz.toString("base64")}}\n` +
        "  - {path: /e, content: !!binary aGVsbG8K}\n",
    );
    const files = config.write_files ?? [];
    expect(files.map((f) => f.encoding)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const text = (c: unknown) =>
      typeof c === "string" ? c : new TextDecoder().decode(c as Uint8Array);
    expect(files.map((f) => text(f.content))).toEqual([
      "plain",
      "hello\n",
      "zipped\n",
      "zipped\n",
      "hello\n",
    ]);
  });

  it("fails the whole parse, as upstream, when content does not decode", () => {
    const result = parse(
      "hostname: a\nwrite_files:\n  - {path: /a, encoding: base64, content: '!!'}\n",
    );
    expect(result.config).toEqual({});
    expect(result.error).toBe("Unable to decode base64");
    expect(result.report.entries).toMatchObject([{ kind: "error", line: 4 }]);
    expect(parse("write_files:\n  - {path: /a, encoding: rot13, content: x}").error).toBe(
      'Unsupported encoding "rot13"',
    );
  });

  it("fails on YAML syntax errors and gives nothing for scripts and non-maps", () => {
    expect(parse("hostname: [a").error).toBeDefined();
    expect(parseCloudConfig("#!/bin/sh\necho hi")).toEqual({ config: {}, report: { entries: [] } });
    expect(parse("- a").config).toEqual({});
    expect(parseCloudConfig("hostname: a").error).toBe("Unrecognized user-data format");
  });
});
