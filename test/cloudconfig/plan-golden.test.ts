import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type MachineMeta,
  parseCloudConfig,
  plan,
  substitute,
} from "../../src/cloudconfig/index.js";

/** core-01 as coreos-vagrant brings it up: one private-network address for both variables. */
const CORE_01: MachineMeta = {
  hostname: "core-01",
  machineId: "0123456789abcdef0123456789abcdef",
  privateIpv4: "172.17.8.101",
  publicIpv4: "172.17.8.101",
  updateChannel: "alpha",
};

const fixture = (name: string) => new URL(`../fixtures/cloudinit/${name}`, import.meta.url);

/** Modes in octal and bytes in base64, so a reviewer can read the golden file. */
function serialize(value: unknown): string {
  const json = JSON.stringify(
    value,
    (key, v) => {
      if (key === "mode" && typeof v === "number") return `0${v.toString(8)}`;
      if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString("base64") };
      return v;
    },
    2,
  );
  return `${json}\n`;
}

// The golden files were reviewed by hand against coreos-cloudinit's behaviour: which files,
// units and drop-ins it writes for each section, and the environment it gives etcd and
// fleet. Regenerate with SHOAL_UPDATE_GOLDEN=1 only after such a review. A plan that
// varied from run to run could not match a file an earlier run wrote.
describe.each(["user-data.sample", "user-data-2014.sample"])("the plan for %s", (sample) => {
  it("matches the reviewed golden file", () => {
    const text = substitute(readFileSync(fixture(sample), "utf8"), CORE_01);
    const { config, report, error } = parseCloudConfig(text);
    expect(error).toBeUndefined();
    expect(report.entries).toEqual([]);
    const actual = serialize(plan(config, CORE_01));
    const golden = fixture(`${sample}.plan.json`);
    if (process.env.SHOAL_UPDATE_GOLDEN === "1") writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, "utf8"));
  });
});
