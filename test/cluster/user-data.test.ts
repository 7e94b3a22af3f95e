import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { insertDiscovery } from "../../src/cluster/user-data.js";

const FIXTURES = new URL("../fixtures/coreos-vagrant/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const TOKEN = "http://172.17.8.1:8087/0123456789abcdef";

function discoveryOf(text: string, section: string): unknown {
  return parseDocument(text, { version: "1.1" }).getIn(["coreos", section, "discovery"]);
}

describe("insertDiscovery", () => {
  it("replaces the commented-out discovery line of the 2015 sample, leaving every other line as it was", () => {
    const text = fixture("user-data.sample");
    const out = insertDiscovery(text, TOKEN);
    expect(out.sections).toEqual(["etcd2"]);
    expect(discoveryOf(out.text, "etcd2")).toBe(TOKEN);
    const before = text.split("\n");
    const after = out.text.split("\n");
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((line, i) => (line === before[i] ? [] : [[before[i], line]]));
    expect(changed).toEqual([
      ["    #discovery: https://discovery.etcd.io/<token>", `    discovery: ${TOKEN}`],
    ]);
  });

  it("does the same for the 2014 sample's old etcd section", () => {
    const out = insertDiscovery(fixture("user-data-2014.sample"), TOKEN);
    expect(out.sections).toEqual(["etcd"]);
    expect(discoveryOf(out.text, "etcd")).toBe(TOKEN);
    expect(out.text).toContain("# WARNING: replace each time you 'vagrant destroy'");
  });

  it("fills an empty value and a <token> placeholder", () => {
    const empty = "#cloud-config\ncoreos:\n  etcd2:\n    discovery:\n    name: x\n";
    expect(discoveryOf(insertDiscovery(empty, TOKEN).text, "etcd2")).toBe(TOKEN);
    const placeholder =
      '#cloud-config\ncoreos:\n  etcd2:\n    discovery: "https://discovery.etcd.io/<token>"\n';
    expect(discoveryOf(insertDiscovery(placeholder, TOKEN).text, "etcd2")).toBe(TOKEN);
  });

  it("adds a discovery line when the section has none", () => {
    const text =
      "#cloud-config\ncoreos:\n  etcd2:\n    name: x\n  fleet:\n    public-ip: $public_ipv4\n";
    const out = insertDiscovery(text, TOKEN);
    expect(discoveryOf(out.text, "etcd2")).toBe(TOKEN);
    expect(parseDocument(out.text).getIn(["coreos", "etcd2", "name"])).toBe("x");
  });

  it("keeps a real discovery URL the user set", () => {
    const text =
      "#cloud-config\ncoreos:\n  etcd2:\n    discovery: https://discovery.etcd.io/realtoken\n";
    const out = insertDiscovery(text, TOKEN);
    expect(out).toEqual({ text, sections: ["etcd2"], kept: ["etcd2"] });
  });

  it("leaves user-data without etcd, and scripts, alone", () => {
    const fleetOnly = "#cloud-config\ncoreos:\n  fleet:\n    public-ip: $public_ipv4\n";
    expect(insertDiscovery(fleetOnly, TOKEN)).toEqual({ text: fleetOnly, sections: [], kept: [] });
    const script = "#!/bin/sh\necho discovery:\n";
    expect(insertDiscovery(script, TOKEN).text).toBe(script);
  });
});
