/**
 * Whole-cluster scenarios, written once and run per provider (process.test.ts
 * for the process and rootless providers, namespace.test.ts). Every one starts real etcd members
 * through `shoal up` and asks them.
 *
 * The 2015 sample's scenarios share one cluster, to boot it once per file;
 * each test starts with `up` (which boots only what is not running and waits
 * for etcd), so it arranges its own state whatever ran before it, and runs
 * alone as well (vitest -t).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Account } from "../../helpers/cli.js";
import { agentPid } from "../harness/index.js";
import {
  discoveryUrl,
  leaks,
  newCluster,
  processesMentioning,
  statusJson,
  type TestCluster,
  teardown,
  waitFor,
} from "./harness.js";

/** The host part of a URL. */
const hostOf = (url: string) => new URL(url).hostname;

export function clusterScenarios(
  provider: "process" | "namespace" | "rootless",
  options: { user?: Account } = {},
): void {
  const bridge = provider === "namespace";
  const up = (c: TestCluster) => c.ok(["up", "--provider", provider, "--timeout", "60s"]);
  const etcdctl = (c: TestCluster, name: string, ...args: string[]) =>
    c.run(["ssh", name, "--", "etcdctl", ...args]);
  const get = async (c: TestCluster, name: string, key: string) =>
    (await etcdctl(c, name, "get", key, "--print-value-only")).stdout.trim();
  const put = async (c: TestCluster, name: string, key: string, value: string) =>
    expect((await etcdctl(c, name, "put", key, value)).code).toBe(0);
  const memberIds = async (c: TestCluster) =>
    (await statusJson(c)).map((m) => m.etcd?.memberId).sort();
  const unique = (what: string) => `${what}-${randomBytes(4).toString("hex")}`;
  /** What a cluster is before a test changes it: its token, its members, and a key written now. */
  const snapshot = async (c: TestCluster, value: string) => {
    const key = unique(value);
    await put(c, "core-01", key, value);
    return { token: discoveryUrl(c), members: await memberIds(c), key };
  };

  describe("the 2015 sample, unmodified", () => {
    let shared: TestCluster | undefined;
    /** The shared cluster, running with a healthy 3-member etcd; the `up` that made sure of it. */
    const running = async () => {
      shared ??= newCluster("user-data.sample", undefined, options);
      return { c: shared, upped: await up(shared) };
    };
    afterAll(async () => {
      if (!shared) return;
      expect(await teardown(shared, { bridge }), "left behind after `shoal destroy -f`").toEqual(
        [],
      );
    });

    it("boots into 3 machines and a healthy 3-member etcd that every machine reaches", async () => {
      const { c, upped } = await running();
      const userData = readFileSync(join(c.dir, "user-data"), "utf8");
      expect(upped.stdout).toContain(
        `Bringing machine 'core-01' up with '${provider}' provider...`,
      );
      expect(upped.stdout).toContain("etcd is healthy with 3 members.");
      const status = (await c.ok(["status"])).stdout;
      for (const n of [1, 2, 3])
        expect(status).toContain(`core-0${n}                   running (${provider})\n`);

      const machines = await statusJson(c);
      expect(machines.map((m) => [m.name, m.state, m.updateChannel])).toEqual([
        ["core-01", "running", "stable"],
        ["core-02", "running", "stable"],
        ["core-03", "running", "stable"],
      ]);
      expect(machines.every((m) => m.etcd?.health === true)).toBe(true);
      expect(new Set(machines.map((m) => m.etcd?.memberId)).size).toBe(3);
      expect(new Set(machines.map((m) => m.etcd?.leader)).size).toBe(1);
      expect(machines.filter((m) => m.etcd?.isLeader)).toHaveLength(1);
      // flanneld and docker-tcp.socket do not exist on these machines: failed, and the boot went on.
      const units = Object.fromEntries((machines[0]?.units ?? []).map((u) => [u.name, u.active]));
      expect(units).toMatchObject({
        "etcd2.service": "active",
        "flanneld.service": "failed",
        "docker-tcp.socket": "failed",
      });

      const key = unique("greeting");
      await put(c, "core-01", key, "hello");
      expect(await get(c, "core-03", key)).toBe("hello");
      expect((await c.run(["ssh", "core-02", "--", "exit 7"])).code).toBe(7);
      // The user's file was only read.
      expect(readFileSync(join(c.dir, "user-data"), "utf8")).toBe(userData);
    }, 120_000);

    it("runs update-engine inside each agent; update_engine_client in the shell answers as upstream's", async () => {
      const { c } = await running();
      const st = await c.run(["ssh", "core-01", "--", "update_engine_client", "-status"]);
      expect(st.code, st.stderr).toBe(0);
      expect(st.stdout).toBe(
        "LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\n" +
          "NEW_VERSION=0.0.0\nNEW_SIZE=0\n",
      );
      expect(st.stderr).toMatch(
        /^I\d{4} [\d:.]+ +\d+ update_engine_client\.cc:\d+\] Querying Update Engine status\.\.\.$/m,
      );
      const unit = await c.run(["ssh", "core-02", "--", "systemctl", "status", "update-engine"]);
      expect(unit.stdout).toMatch(/Active: active \(running\)/);
      // In the agent, not a process of its own: no unit process runs `shoal update-engine`.
      const ofCluster = processesMentioning([c.dir]);
      expect(ofCluster.length).toBeGreaterThan(0);
      expect(ofCluster.filter((p) => p.cmd.includes("update-engine"))).toEqual([]);
      const bad = await c.run(["ssh", "core-03", "--", "update_engine_client", "-frobnicate"]);
      expect([bad.code, bad.stderr]).toEqual([
        1,
        "ERROR: unknown command line flag 'frobnicate'\n",
      ]);
    }, 120_000);

    it("points every machine at the update server up started; updates check asks their engines", async () => {
      const { c } = await running();
      const record = JSON.parse(
        readFileSync(join(c.stateDir, `updates-${hostOf(discoveryUrl(c))}.json`), "utf8"),
      ) as { url: string };
      const key = await (await fetch(`${record.url}/v1/key`)).text();
      expect(key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      for (const name of ["core-01", "core-02", "core-03"]) {
        const root = join(c.machineDir(name), "root");
        expect(readFileSync(join(root, "usr/share/coreos/update.conf"), "utf8")).toContain(
          `SERVER=${record.url}/v1/update/\n`,
        );
        expect(
          readFileSync(join(c.machineDir(name), "config-drive/shoal/update-key.pem"), "utf8"),
        ).toBe(key);
      }
      const check = await c.run(["updates", "check"]);
      expect([check.code, check.stderr]).toEqual([0, ""]);
      expect(check.stdout).toMatch(
        /^core-01: checking for updates \(UPDATE_STATUS_\w+\)\ncore-02: .*\ncore-03: .*\n$/,
      );
      // Each engine asked the server: it knows the three machines by name, on the base release.
      const store = join(c.stateDir, "updates");
      const seen = await waitFor(
        async () => {
          const res = await c.run(["updates", "status", "--store", store, "-o", "json"]);
          const rows = JSON.parse(res.stdout) as Array<{
            name: string;
            channel: string;
            lastCheck: string;
          }>;
          // In the cluster's directory every machine is listed; a check-in sets its last check.
          return rows.length === 3 && rows.every((r) => r.lastCheck !== "") ? rows : undefined;
        },
        { what: "three machines to check in", timeoutMs: 20_000 },
      );
      expect(seen.map((r) => [r.name, r.channel]).sort()).toEqual([
        ["core-01", "stable"],
        ["core-02", "stable"],
        ["core-03", "stable"],
      ]);
      const st = await c.run(["ssh", "core-01", "--", "update_engine_client", "-status"]);
      expect(st.stdout).toMatch(
        /^LAST_CHECKED_TIME=[1-9]\d*\n[\s\S]*CURRENT_OP=UPDATE_STATUS_IDLE\n/,
      );
      const unknown = await c.run(["updates", "check", "core-09"]);
      expect(unknown.code).toBe(2);
    }, 120_000);

    it("halt, then up: the same token, the same members, the data kept", async () => {
      const { c } = await running();
      const { token, members, key } = await snapshot(c, "across-halt");

      await c.ok(["halt"]);
      expect((await c.ok(["status"])).stdout).toContain(
        `core-03                   poweroff (${provider})\n`,
      );
      expect(processesMentioning([join(c.dir, ".shoal")])).toEqual([]);
      await up(c);
      expect(discoveryUrl(c)).toBe(token);
      expect(await memberIds(c)).toEqual(members);
      expect(await get(c, "core-02", key)).toBe("across-halt");
    }, 120_000);

    it("a SIGKILLed agent takes its units down and leaves its machine aborted", async () => {
      const { c } = await running();
      const dir = c.machineDir("core-02");
      const unitsOf02 = () => processesMentioning([`SHOAL_MACHINE_DIR=${dir}`]);
      expect(unitsOf02().length).toBeGreaterThan(0);
      const agent = agentPid(dir);
      expect(readFileSync(`/proc/${agent}/cmdline`, "utf8")).toMatch(
        /^[^\0]*node\0.*\0machine\0boot\0--dir\0/,
      );
      // The machine boots with its own environment, not the user's shell.
      const environ = readFileSync(`/proc/${agent}/environ`, "utf8").split("\0");
      expect(environ).toContain(`PATH=${process.env.PATH}`);
      expect(environ.filter((v) => v.startsWith("SHOAL_TEST_HOST_ONLY="))).toEqual([]);
      process.kill(agent, "SIGKILL");
      await waitFor(() => unitsOf02().length === 0, {
        what: "core-02's units to die",
        timeoutMs: 10_000,
      });
      expect((await c.ok(["status", "core-02"])).stdout).toContain(
        `core-02                   aborted (${provider})`,
      );
    }, 120_000);

    it("destroy, then up: a new token and a new cluster, without the old data", async () => {
      const { c } = await running();
      const { token, members, key } = await snapshot(c, "before-destroy");

      const destroyed = await c.ok(["destroy", "-f"]);
      expect(destroyed.stdout).toContain("==> core-01: Destroying VM and associated drives...");
      expect(leaks(c, { bridge })).toEqual([]);
      await up(c);
      expect(discoveryUrl(c)).not.toBe(token);
      const again = await statusJson(c);
      expect(again.every((m) => m.etcd?.health === true)).toBe(true);
      expect(again.some((m) => members.includes(m.etcd?.memberId))).toBe(false);
      expect(await get(c, "core-01", key)).toBe("");
    }, 120_000);
  });

  describe("the 2014 sample, unmodified", () => {
    const clusters: TestCluster[] = [];
    afterEach(async () => {
      const leaked: string[] = [];
      for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge })));
      expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
    });

    it("boots (the old etcd section, on port 4001)", async () => {
      const c = newCluster("user-data-2014.sample", undefined, options);
      clusters.push(c);
      await up(c);
      const machines = await statusJson(c);
      expect(machines.every((m) => m.etcd?.health === true)).toBe(true);
      expect(new Set(machines.map((m) => m.etcd?.memberId)).size).toBe(3);
      await put(c, "core-01", "era", "2014");
      expect(await get(c, "core-03", "era")).toBe("2014");
      // locksmithctl in each machine's shell: its own machine id, the cluster's one lock.
      const id01 = readFileSync(
        join(c.machineDir("core-01"), "root/etc/machine-id"),
        "utf8",
      ).trim();
      expect((await c.run(["ssh", "core-01", "--", "locksmithctl", "lock"])).code).toBe(0);
      expect((await c.run(["ssh", "core-02", "--", "locksmithctl", "status"])).stdout).toBe(
        `Available: 0\nMax: 1\n\nMACHINE ID\n${id01}\n`,
      );
      const refused = await c.run(["ssh", "core-03", "--", "locksmithctl", "lock"]);
      expect([refused.code, refused.stderr]).toEqual([1, "Error locking: semaphore is at 0\n"]);
    }, 120_000);
  });
}
