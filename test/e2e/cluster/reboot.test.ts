/**
 * A reboot is the machine's own act: `reboot` inside it stops its units in
 * order, its launcher boots it again (no host daemon), etcd's data and the
 * journal are kept, and the host sees it `running` all along. Real etcd,
 * per provider.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privileges } from "../../../src/host/index.js";
import { newCluster, statusJson, type TestCluster, teardown, waitFor } from "./harness.js";

const providers = privileges().root ? (["process", "namespace"] as const) : (["process"] as const);

/** How many boots the machine's console shows started, and how many finished running. */
function boots(c: TestCluster, name: string): { started: number; running: number } {
  const text = readFileSync(join(c.machineDir(name), "console.log"), "utf8");
  return {
    started: text.match(/shoal machine agent \S+ booting /g)?.length ?? 0,
    running: text.match(/boot finished: running/g)?.length ?? 0,
  };
}

describe.each(providers)("reboot (%s provider)", (provider) => {
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0))
      leaked.push(...(await teardown(c, { bridge: provider === "namespace" })));
    expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
  });

  it("`reboot` inside a machine boots it again with its etcd data; `running` throughout; halt still ends it", async () => {
    const c = newCluster("user-data.sample", "$num_instances=1\n");
    clusters.push(c);
    await c.ok(["up", "--provider", provider, "--timeout", "60s"]);
    const sh = (command: string) => c.run(["ssh", "core-01", "--", command]);
    expect((await sh("etcdctl put before-reboot kept")).code).toBe(0);
    expect(boots(c, "core-01")).toEqual({ started: 1, running: 1 });

    const asked = await sh("reboot");
    expect(asked.code, asked.stderr).toBe(0);
    const states = new Set<string>();
    await waitFor(
      async () => {
        states.add((await statusJson(c))[0]?.state ?? "?");
        return boots(c, "core-01").running === 2;
      },
      { what: "the second boot to finish", timeoutMs: 60_000, intervalMs: 100 },
    );
    expect([...states]).toEqual(["running"]);

    const machine = await waitFor(
      async () => {
        const [m] = await statusJson(c);
        return m?.etcd?.health === true ? m : undefined;
      },
      { what: "etcd healthy after the reboot", timeoutMs: 30_000 },
    );
    expect(machine.state).toBe("running");
    const got = await sh("etcdctl get before-reboot --print-value-only");
    expect(got.stdout.trim()).toBe("kept");
    // Units stopped in order before the second boot: etcd's own journal says it was asked to stop.
    const journal = (await c.ok(["logs", "core-01", "etcd2.service"])).stdout;
    expect(journal).toMatch(/Stopped etcd2[\s\S]*Started etcd2/);
    const consoleLog = (await c.ok(["logs", "core-01"])).stdout;
    expect(consoleLog).toMatch(/rebooting \(reboot requested\)[\s\S]*booting core-01/);

    await c.ok(["halt"]);
    expect((await statusJson(c))[0]?.state).toBe("poweroff");
  }, 180_000);
});
