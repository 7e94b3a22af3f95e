import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newCluster, statusJson, type TestCluster, teardown } from "./harness.js";

/**
 * logs, reload and provision on a running machine. Registered from process.test.ts: every
 * process-provider cluster binds 127.17.8.101+, so they must run one after another.
 */
export function lifecycleScenarios(): void {
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge: false })));
    expect(leaked, "left behind").toEqual([]);
  });

  const userData = (motd: string) =>
    [
      "#cloud-config",
      "write_files:",
      "  - path: /etc/motd",
      `    content: ${motd}`,
      "coreos:",
      "  etcd2:",
      "    advertise-client-urls: http://$public_ipv4:2379",
      "    listen-client-urls: http://0.0.0.0:2379",
      "  units:",
      "    - name: etcd2.service",
      "      command: start",
      "",
    ].join("\n");

  describe("logs, reload and provision on a running machine", () => {
    it("shows journals, restarts with data kept, and re-applies edited user-data", async () => {
      const c = newCluster("user-data.sample", "$num_instances=1\n");
      clusters.push(c);
      writeFileSync(join(c.dir, "user-data"), userData("first"));
      await c.ok(["up", "--provider", "process", "--timeout", "60s"]);
      const motd = join(c.machineDir("core-01"), "root", "etc", "motd");
      expect(readFileSync(motd, "utf8").trim()).toBe("first");

      const single = (await c.ok(["status"])).stdout;
      expect(single).toContain("core-01                   running (process)\n\nThe VM is running.");

      const journal = await c.ok(["logs", "core-01", "etcd2.service"]);
      expect(journal.stdout).toMatch(/core-01 etcd2\.service\[\d+\]: .*etcd Version: 3\.4/);
      expect((await c.ok(["logs", "core-01"])).stdout).toContain("boot finished: running");

      expect((await c.run(["ssh", "core-01", "--", "etcdctl", "put", "kept", "yes"])).code).toBe(0);
      const member = (await statusJson(c))[0]?.etcd?.memberId;
      const reload = await c.ok(["reload", "--timeout", "60s"]);
      expect(reload.stdout).toContain("==> core-01: Attempting graceful shutdown of VM...");
      expect((await statusJson(c))[0]?.etcd?.memberId).toBe(member);
      const kept = await c.run([
        "ssh",
        "core-01",
        "--",
        "etcdctl",
        "get",
        "kept",
        "--print-value-only",
      ]);
      expect(kept.stdout.trim()).toBe("yes");

      writeFileSync(join(c.dir, "user-data"), userData("second"));
      const provision = await c.ok(["provision"]);
      expect(provision.stdout).toContain("==> core-01: provisioned");
      expect(readFileSync(motd, "utf8").trim()).toBe("second");
    }, 180_000);
  });

  describe("the quick start: a bare `shoal up`", () => {
    it("boots 3 machines and a 3-member etcd from the built-in user-data in an empty directory", async () => {
      const c = newCluster("user-data.sample");
      clusters.push(c);
      rmSync(join(c.dir, "user-data"));
      rmSync(join(c.dir, "config.rb"));
      const up = await c.ok(["up", "--provider", "process", "--timeout", "60s"]);
      expect(up.stdout + up.stderr).toContain("using the built-in user-data");
      const machines = await statusJson(c);
      expect(machines.map((m) => [m.name, m.state])).toEqual([
        ["core-01", "running"],
        ["core-02", "running"],
        ["core-03", "running"],
      ]);
      expect(machines.every((m) => m.etcd?.health)).toBe(true);
      expect(new Set(machines.map((m) => m.etcd?.memberId)).size).toBe(3);
      expect(new Set(machines.map((m) => m.etcd?.leader)).size).toBe(1);
    }, 180_000);
  });
}
