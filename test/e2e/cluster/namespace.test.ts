import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privileges } from "../../../src/host/index.js";
import { newCluster, type TestCluster, teardown } from "./harness.js";
import { clusterScenarios } from "./scenarios.js";

/** A PATH holding every program of `dirs` except `left`: a host where that package is not installed. */
function pathWithout(left: string, dirs: string[]): { path: string; remove: () => void } {
  const bin = mkdtempSync(join(tmpdir(), "shoal-path-"));
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      if (name === left) continue;
      try {
        symlinkSync(join(dir, name), join(bin, name));
      } catch {
        // the same name in an earlier directory wins, as on PATH
      }
    }
  }
  return { path: bin, remove: () => rmSync(bin, { recursive: true, force: true }) };
}

// The namespace provider needs root; on this project's hosts the tests run as root.
describe.runIf(privileges().root)("shoal up with the namespace provider", () => {
  clusterScenarios("namespace");

  const clusters: TestCluster[] = [];
  const removals: Array<() => void> = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge: true })));
    for (const remove of removals.splice(0)) remove();
    expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
  });

  it("as root without tini installed, auto still picks it: PID 1 is shoal's init, which reaps orphans", async () => {
    const c = newCluster("user-data.sample", "$num_instances=1\n");
    clusters.push(c);
    const bin = pathWithout("tini", ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"]);
    removals.push(bin.remove);
    c.env.PATH = bin.path;

    const up = await c.ok(["up", "--timeout", "60s"]);
    expect(up.stdout).toContain("Bringing machine 'core-01' up with 'namespace' provider...");
    const sh = async (command: string) =>
      (await c.ok(["ssh", "core-01", "--", command])).stdout.trim();
    expect(await sh("ps -o args= -p 1")).toMatch(/^\/bin\/sh -c /);
    const reaped = await sh(
      `p=$(sh -c 'sleep 0.2 >/dev/null 2>&1 & echo $!')
for i in $(seq 200); do ps -p "$p" >/dev/null || { echo reaped; exit 0; }; sleep 0.05; done
ps -o stat= -p "$p"`,
    );
    expect(reaped).toBe("reaped");
  }, 120_000);
});
