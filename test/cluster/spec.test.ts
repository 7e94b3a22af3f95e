import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSpec } from "../../src/cluster/index.js";
import { parseConfigRb } from "../../src/cluster/spec/config-rb.js";
import { parseShoalYaml } from "../../src/cluster/spec/shoal-yaml.js";
import { InputError } from "../../src/errors/index.js";

const FIXTURES = new URL("../fixtures/coreos-vagrant/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "shoal-spec-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}

describe("shoal.yaml", () => {
  it("reads every setting", () => {
    const y = parseShoalYaml(
      [
        "instances: 5",
        "namePrefix: web",
        "updateChannel: beta",
        "provider: process",
        "userData: ./cloud.yaml",
        "discovery: https://discovery.etcd.io",
        "etcdSize: 3",
        "network:",
        "  subnet: 172.18.9.0/24",
      ].join("\n"),
      "shoal.yaml",
    );
    expect(y).toEqual({
      instances: 5,
      namePrefix: "web",
      updateChannel: "beta",
      provider: "process",
      userData: "./cloud.yaml",
      discovery: { kind: "server", url: "https://discovery.etcd.io" },
      etcdSize: 3,
      subnet: "172.18.9.0/24",
    });
  });

  it("tells a token URL from a server URL", () => {
    expect(parseShoalYaml("discovery: http://127.0.0.1:8087/abc123", "f").discovery).toEqual({
      kind: "token",
      url: "http://127.0.0.1:8087/abc123",
    });
    expect(parseShoalYaml("discovery: auto", "f").discovery).toEqual({ kind: "auto" });
  });

  it.each([
    ["instances: three", 1, "instances", /whole number/],
    [
      "instances: 3\nupdateChannel: nightly",
      2,
      "updateChannel",
      /"nightly" is not one of stable, beta, alpha/,
    ],
    ["# comment\nprovider: docker", 2, "provider", /not one of auto, process, namespace, rootless/],
    ["instances: 3\nnum_instances: 4", 2, "num_instances", /unknown setting "num_instances"/],
    ["instances: 2\netcdSize: 3", 2, "etcdSize", /etcdSize 3 is larger than instances 2/],
    ["network:\n  subnet: 10.0.0.0/16", 2, "network.subnet", /not a \/24 subnet/],
    ["discovery: ftp://x/y", 1, "discovery", /not an http\(s\) URL/],
    ["instances: 0", 1, "instances", /out of range/],
    ["namePrefix: Core_", 1, "namePrefix", /not a usable name prefix/],
  ])("%j: an error at line %i naming %s", (text, line, key, message) => {
    const err = inputError(() => parseShoalYaml(text, "/c/shoal.yaml"));
    expect(err.position).toMatchObject({ file: "/c/shoal.yaml", line, key });
    expect(err.message).toMatch(message);
  });

  it("reports YAML syntax errors with their line", () => {
    const err = inputError(() =>
      parseShoalYaml("instances: 3\nupdateChannel: stable\n provider: x\n", "s.yaml"),
    );
    expect(err.message).toMatch(/not valid YAML/);
    expect(err.position).toMatchObject({ file: "s.yaml", line: 2 });
  });
});

describe("config.rb", () => {
  it("reads coreos-vagrant's sample: its settings, and notes with line numbers for the rest", () => {
    const rb = parseConfigRb(fixture("config.rb.sample"), "config.rb");
    expect(rb.instances).toBe(1);
    expect(rb.updateChannel).toBeUndefined(); // commented out in the sample
    expect(rb.notes).toEqual([
      {
        file: "config.rb",
        line: 5,
        message: expect.stringMatching(/^\$new_discovery_url is not applicable/),
      },
      {
        file: "config.rb",
        line: 9,
        endLine: 34,
        message: expect.stringMatching(/fetched a discovery token and rewrote user-data/),
      },
    ]);
  });

  it("reads the settings users uncomment, and reports VM-only ones as not applicable", () => {
    const rb = parseConfigRb(
      [
        "$num_instances=3",
        "$update_channel='stable'",
        '$instance_name_prefix="node"',
        "$vm_memory = 2048",
        "$shared_folders = {'/a' => '/b'}",
      ].join("\n"),
      "config.rb",
    );
    expect(rb).toMatchObject({ instances: 3, updateChannel: "stable", namePrefix: "node" });
    expect(rb.notes.map((n) => [n.line, n.message.split(":")[0]])).toEqual([
      [4, "$vm_memory is not applicable"],
      [5, "$shared_folders is not applicable"],
    ]);
  });

  it("takes NUM_INSTANCES from the environment unless config.rb sets $num_instances", () => {
    expect(parseConfigRb("", "config.rb", { NUM_INSTANCES: "4" }).instances).toBe(4);
    expect(parseConfigRb("$num_instances=2", "config.rb", { NUM_INSTANCES: "4" }).instances).toBe(
      2,
    );
  });

  it("rejects a value it cannot use, naming line and setting", () => {
    const err = inputError(() => parseConfigRb("\n$update_channel='nightly'", "/x/config.rb"));
    expect(err.position).toEqual({ file: "/x/config.rb", line: 2, key: "$update_channel" });
  });
});

describe("loadSpec", () => {
  it("prefers shoal.yaml, then config.rb (vagrant's defaults), then shoal's defaults", () => {
    const both = tempDir({ "shoal.yaml": "instances: 2\n", "config.rb": "$num_instances=4\n" });
    expect(loadSpec(both, {})).toMatchObject({
      instances: 2,
      updateChannel: "stable",
      etcdSize: 2,
    });
    const rb = tempDir({ "config.rb": "$num_instances=7\n" });
    expect(loadSpec(rb, {})).toMatchObject({ instances: 7, updateChannel: "alpha", etcdSize: 5 });
    const none = tempDir({});
    expect(loadSpec(none, {})).toMatchObject({
      instances: 3,
      updateChannel: "stable",
      etcdSize: 3,
      userData: join(none, "user-data"),
      source: "defaults",
    });
  });
});
