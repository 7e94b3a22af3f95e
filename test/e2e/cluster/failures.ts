import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validate } from "../../../src/cloudconfig/index.js";
import { loadSpec } from "../../../src/cluster/index.js";
import { SHOAL_BIN, shoal } from "../../helpers/cli.js";
import { leaks, newCluster, type TestCluster, teardown, waitFor } from "./harness.js";

/**
 * When something is wrong: bad input, a failing etcd, Ctrl-C, ssh messages, init. Registered from process.test.ts: every
 * process-provider cluster binds 127.17.8.101+, so they must run one after another.
 */
export function failureScenarios(): void {
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge: false })));
    expect(leaked, "left behind").toEqual([]);
  });
  function cluster(userData: string, configRb?: string): TestCluster {
    const c = newCluster("user-data.sample", configRb);
    writeFileSync(join(c.dir, "user-data"), userData);
    clusters.push(c);
    return c;
  }

  describe("shoal up, when something is wrong", () => {
    it("stops on user-data errors with the validator's report, exit 2, creating nothing", async () => {
      const c = cluster(
        "#cloud-config\ncoreos:\n  units:\n    - name: etcd2.service\n      command: begin\n",
      );
      const r = await c.run(["up", "--provider", "process"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(c.dir, "user-data")}:5:16: error: invalid value begin`);
      expect(existsSync(join(c.dir, ".shoal"))).toBe(false);
      expect(leaks(c, { bridge: false })).toEqual([]);
    });

    it("names the file, line and key of a bad shoal.yaml, exit 2", async () => {
      const c = cluster("#cloud-config\n");
      writeFileSync(join(c.dir, "shoal.yaml"), "instances: 3\nupdateChannel: nightly\n");
      const r = await c.run(["up"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `shoal: ${join(c.dir, "shoal.yaml")}:2:16: "nightly" is not one of stable, beta, alpha (key "updateChannel")`,
      );
    });

    it("names the machine and unit when etcd fails, shows its journal, and leaves nothing behind", async () => {
      const c = cluster(
        [
          "#cloud-config",
          "coreos:",
          "  etcd2:",
          "    listen-client-urls: http://192.0.2.1:2379",
          "    advertise-client-urls: http://$public_ipv4:2379",
          "  units:",
          "    - name: etcd2.service",
          "      command: start",
          "",
        ].join("\n"),
        "$num_instances=2\n",
      );
      const r = await c.run(["up", "--provider", "process", "--timeout", "60s"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^shoal: core-0[12]: etcd2\.service failed/m);
      expect(r.stderr).toMatch(/last lines of etcd2\.service on core-0[12]:/);
      expect(r.stderr).toContain("192.0.2.1:2379");
      expect(existsSync(join(c.dir, ".shoal"))).toBe(false);
      expect(leaks(c, { bridge: false })).toEqual([]);
    }, 90_000);

    it("says why etcd did not answer: in up's timeout and in status -o json", async () => {
      // etcd runs and forms its cluster, but serves clients on a port shoal does not probe.
      const c = cluster(
        [
          "#cloud-config",
          "coreos:",
          "  etcd2:",
          "    listen-client-urls: http://$private_ipv4:12379",
          "    advertise-client-urls: http://$private_ipv4:12379",
          "    listen-peer-urls: http://$private_ipv4:2380",
          "    initial-advertise-peer-urls: http://$private_ipv4:2380",
          "  units:",
          "    - name: etcd2.service",
          "      command: start",
          "",
        ].join("\n"),
        "$num_instances=1\n",
      );
      const refused =
        "no etcd answers at http://127.17.8.101:2379 (connection refused) or http://127.17.8.101:4001 (connection refused)";
      const r = await c.run(["up", "--provider", "process", "--timeout", "5s"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `shoal: timed out after 5s: etcd has 0 of 1 healthy members (core-01 etcd2.service is not one: ${refused})`,
      );
      await c.ok(["up", "--provider", "process", "--no-wait"]);
      const [machine] = JSON.parse((await c.ok(["status", "-o", "json"])).stdout) as Array<{
        state: string;
        etcd?: unknown;
        etcdError?: string;
      }>;
      expect(machine).toMatchObject({ state: "running", etcdError: refused });
      expect(machine?.etcd).toBeUndefined();
    }, 60_000);

    it("leaves no orphans on Ctrl-C", async () => {
      const c = cluster(
        readFileSync(
          new URL("../../fixtures/coreos-vagrant/user-data.sample", import.meta.url),
          "utf8",
        ),
      );
      const child = spawn(process.execPath, [SHOAL_BIN, "up", "--provider", "process"], {
        cwd: c.dir,
        env: c.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (s: string) => {
        stderr += s;
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      // Interrupt once machines are booting: their agents have written their consoles.
      await waitFor(() => existsSync(join(c.machineDir("core-01"), "console.log")), {
        what: "core-01 to start booting",
        timeoutMs: 30_000,
      });
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toContain("interrupted");
      expect(leaks(c, { bridge: false })).toEqual([]);
      expect(existsSync(join(c.dir, ".shoal"))).toBe(false);
    }, 90_000);

    it("says what to install when etcd is missing and shoal cannot install it (exit 1)", async () => {
      const c = cluster("#cloud-config\n");
      const r = await shoal(["up", "--provider", "process"], {
        cwd: c.dir,
        env: { ...c.env, PATH: "" },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /etcd is missing and shoal cannot install etcd-server etcd-client here/,
      );
      expect(existsSync(join(c.dir, ".shoal"))).toBe(false);
    });
  });

  describe("shoal ssh", () => {
    it("says vagrant's words when a name is needed (exit 2) or the machine is not running (exit 1)", async () => {
      const c = cluster("#cloud-config\n");
      const noName = await c.run(["ssh"]);
      expect(noName.code).toBe(2);
      expect(noName.stderr).toContain(
        "This command requires a specific VM name to target in a multi-VM environment.",
      );
      const notRunning = await c.run(["ssh", "core-02", "--", "true"]);
      expect(notRunning.code).toBe(1);
      expect(notRunning.stderr).toContain("VM must be running to open SSH connection.");
      const unknown = await c.run(["ssh", "core-09"]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("no machine named 'core-09'");
    });
  });

  describe("shoal init", () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it("writes a commented shoal.yaml (3 machines, stable) and a user-data that validates, and never overwrites", async () => {
      const dir = mkdtempSync(join(tmpdir(), "shoal-init-"));
      dirs.push(dir);
      const r = await shoal(["init"], { cwd: dir });
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, "shoal.yaml"), "utf8")).toMatch(/^# /);
      expect(loadSpec(dir, {})).toMatchObject({
        instances: 3,
        updateChannel: "stable",
        provider: "auto",
      });
      expect(validate(readFileSync(join(dir, "user-data"), "utf8")).entries).toEqual([]);
      expect(readFileSync(join(dir, "user-data"), "utf8")).toContain("#discovery:");

      writeFileSync(join(dir, "shoal.yaml"), "instances: 1\n");
      const again = await shoal(["init"], { cwd: dir });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`${join(dir, "shoal.yaml")}: already exists`);
      expect(readFileSync(join(dir, "shoal.yaml"), "utf8")).toBe("instances: 1\n");
    });
  });
}
