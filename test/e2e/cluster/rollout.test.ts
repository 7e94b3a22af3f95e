/**
 * Rolling updates on a real cluster (process provider, the 2015
 * coreos-vagrant sample, 3 real etcd members and a machine with an etcd
 * proxy), driven as a user does:
 * `shoal updates publish`, `shoal updates check`, update.conf edited in a
 * machine, user-data's `coreos.update.group` with `shoal provision`,
 * `locksmithctl` in a machine. update-engine installs, and
 * locksmithd (in each agent) takes the lock, hands off etcd leadership and
 * reboots the machine into the new slot.
 *
 * The tests share one cluster and run in order: each publishes a newer
 * release than the last and sets the strategy it needs, so each also runs
 * alone (vitest -t) on a fresh cluster.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newCluster, statusJson, type TestCluster, teardown, waitFor } from "./harness.js";
import {
  lockHistory,
  lostWrites,
  mostHolders,
  revisionNow,
  sampleDown,
  startWriter,
} from "./rollout-watch.js";

const NAMES = ["core-01", "core-02", "core-03", "core-04"];
/** 3 etcd members and core-04 with an etcd grpc-proxy, as machines beyond etcdSize get. */
const SHOAL_YAML = "instances: 4\netcdSize: 3\nupdateChannel: stable\nprovider: process\n";
const ROLLOUT_MS = 120_000;

describe("rolling updates (process provider)", () => {
  let shared: TestCluster | undefined;
  let urls: string[] = [];
  let minor = 0;
  /** A version above every one published so far in this run. */
  const nextVersion = () => `1.${++minor}.0`;

  const running = async () => {
    if (!shared) {
      shared = newCluster("user-data.sample");
      writeFileSync(join(shared.dir, "shoal.yaml"), SHOAL_YAML);
    }
    await shared.ok(["up", "--timeout", "90s"]);
    urls = (await statusJson(shared)).slice(0, 3).map((m) => `http://${m.address}:2379`);
    return shared;
  };
  afterAll(async () => {
    if (!shared) return;
    expect(await teardown(shared, { bridge: false }), "left behind").toEqual([]);
  });

  const root = (c: TestCluster, name: string) => join(c.machineDir(name), "root");
  /** VERSION_ID in the machine's /etc/os-release (its root, in the process provider). */
  const osVersion = (c: TestCluster, name: string) =>
    /^VERSION_ID=(.*)$/m.exec(readFileSync(join(root(c, name), "etc/os-release"), "utf8"))?.[1];
  /** The payload's own program, found on the machine's PATH as the user's shell finds it. */
  const payloadSays = async (c: TestCluster, name: string) =>
    (await c.run(["ssh", name, "--", "rolling-release"])).stdout.trim();
  /** locksmithctl in a machine, against its etcd. */
  const locksmithctl = (c: TestCluster, ...args: string[]) =>
    c.run(["ssh", "core-01", "--", "locksmithctl", ...args]);
  const engineStatus = async (c: TestCluster, name: string) =>
    (await c.run(["ssh", name, "--", "update_engine_client", "-status"])).stdout;

  /** A release whose payload carries bin/rolling-release, which prints its version. */
  const publish = async (c: TestCluster, channel: string, version: string) => {
    const tree = join(c.dir, `payload-${version}`);
    mkdirSync(join(tree, "bin"), { recursive: true });
    writeFileSync(join(tree, "bin/rolling-release"), `#!/bin/sh\necho ${version}\n`, {
      mode: 0o755,
    });
    await c.ok(["updates", "publish", "--channel", channel, "--version", version, tree]);
  };

  /**
   * REBOOT_STRATEGY (and GROUP) in the machine's /etc/coreos/update.conf,
   * as the CoreOS docs have users edit it, then locksmithd restarted.
   */
  const configure = async (
    c: TestCluster,
    name: string,
    { strategy, group = "stable" }: { strategy?: string; group?: string },
  ) => {
    writeFileSync(
      join(root(c, name), "etc/coreos/update.conf"),
      `GROUP=${group}\n${strategy ? `REBOOT_STRATEGY=${strategy}\n` : ""}`,
    );
    await c.ok(["ssh", name, "--", "systemctl", "restart", "locksmithd"]);
  };

  /** user-data's `coreos.update.group`, as a user edits it before `shoal provision`. */
  const setGroup = (c: TestCluster, group: string) => {
    const file = join(c.dir, "user-data");
    const text = readFileSync(file, "utf8").replace(/^ {2}update:\n {4}group: .*\n/m, "");
    writeFileSync(file, text.replace(/^coreos:\n/m, `coreos:\n  update:\n    group: ${group}\n`));
  };

  /** `shoal updates check` on these machines, until each engine has checked and is idle. */
  const checkNow = async (c: TestCluster, names: string[]) => {
    const t0 = Math.floor(Date.now() / 1000);
    await c.ok(["updates", "check", ...names]);
    for (const name of names) {
      await waitFor(
        async () => {
          const st = await engineStatus(c, name);
          const checked = Number(/LAST_CHECKED_TIME=(\d+)/.exec(st)?.[1] ?? 0);
          return checked >= t0 && st.includes("CURRENT_OP=UPDATE_STATUS_IDLE\n");
        },
        { what: `${name}'s check`, timeoutMs: 30_000 },
      );
    }
  };

  const allOn = (c: TestCluster, version: string, names = NAMES) =>
    waitFor(async () => names.every((n) => osVersion(c, n) === version), {
      what: `${names.join(", ")} on ${version}`,
      timeoutMs: ROLLOUT_MS,
    });

  it("etcd-lock (the default): one machine at a time, every acknowledged write kept", async () => {
    const c = await running();
    for (const name of NAMES) await configure(c, name, {});
    const version = nextVersion();
    await publish(c, "stable", version);
    const from = await revisionNow(urls);
    const writer = startWriter(urls, `/rolling/${version}`);
    const down = sampleDown(new Map(NAMES.map((n) => [n, c.machineDir(n)])), "etcd2.service");
    try {
      await c.ok(["updates", "check"]);
      await allOn(c, version);
      // Back and healthy: each machine gave its slot back.
      await waitFor(
        async () => (await locksmithctl(c, "status")).stdout === "Available: 1\nMax: 1\n",
        {
          what: "the lock to be free again",
          timeoutMs: 30_000,
        },
      );
    } finally {
      const sampled = await down.stop();
      const wrote = await writer.stop();
      expect(sampled.mostDown.length, `down at once: ${sampled.mostDown}`).toBeLessThanOrEqual(1);
      expect(sampled.everDown, "every machine went down once, for its reboot").toEqual(NAMES);
      // The cluster took writes during the rollout, between its first reboot and its last.
      const [first, last] = [sampled.downAt[0] ?? 0, sampled.downAt.at(-1) ?? 0];
      expect(wrote.ackTimes.filter((t) => t > first && t < last).length).toBeGreaterThan(0);
      expect(await lostWrites(urls, `/rolling/${version}`, wrote.acked)).toEqual([]);
    }
    const history = await lockHistory(urls, from);
    expect(mostHolders(history)).toBe(1);
    // Each machine took the lock once and gave it back.
    expect(history.filter((v) => v.holders?.length === 1)).toHaveLength(NAMES.length);
    const ids = (await statusJson(c)).map((m) => m.machineId).sort();
    expect([...new Set(history.flatMap((v) => v.holders ?? []))].sort()).toEqual(ids);

    for (const name of NAMES) {
      expect(await payloadSays(c, name)).toBe(version);
      expect(await engineStatus(c, name)).toContain("CURRENT_OP=UPDATE_STATUS_IDLE\n");
      const journal = (await c.run(["ssh", name, "--", "journalctl", "-u", "locksmithd"])).stdout;
      expect(journal).toMatch(
        /locksmithd starting currentOperation="UPDATE_STATUS_IDLE" strategy="etcd-lock"/,
      );
      // The proxy machine has no member to hand off.
      if (name !== "core-04")
        expect(journal).toMatch(/moved etcd leadership from|this etcd member is not the leader/);
      expect(journal).toContain("Reboot sent. Going to sleep.");
      expect(journal).toContain("Unlocked existing lock for this machine");
    }
    const machines = await statusJson(c);
    expect(machines.map((m) => m.state)).toEqual(NAMES.map(() => "running"));
    expect(machines.slice(0, 3).every((m) => m.etcd?.health)).toBe(true);
  }, 240_000);

  it("off stops at NEED_REBOOT; reboot then reboots without the lock", async () => {
    const c = await running();
    const before = osVersion(c, "core-01");
    for (const name of NAMES) await configure(c, name, { strategy: "off" });
    for (const name of NAMES) {
      const unit = await c.run(["ssh", name, "--", "systemctl", "status", "locksmithd"]);
      expect(unit.stdout).toMatch(/Active: inactive \(dead\)/);
      const journal = (await c.run(["ssh", name, "--", "journalctl", "-u", "locksmithd"])).stdout;
      expect(journal).toContain('Reboot strategy is "off" - locksmithd is exiting.');
    }
    const version = nextVersion();
    await publish(c, "stable", version);
    await c.ok(["updates", "check"]);
    for (const name of NAMES) {
      await waitFor(
        async () => (await engineStatus(c, name)).includes("UPDATE_STATUS_UPDATED_NEED_REBOOT"),
        { what: `${name} to need a reboot`, timeoutMs: 60_000 },
      );
    }
    // Nothing reboots: locksmithd is not running, and the machines still run the old release.
    for (const name of NAMES) expect(osVersion(c, name)).toBe(before);

    const from = await revisionNow(urls);
    for (const name of NAMES) await configure(c, name, { strategy: "reboot" });
    await allOn(c, version);
    for (const name of NAMES) expect(await payloadSays(c, name)).toBe(version);
    // No machine touched the lock.
    expect(await lockHistory(urls, from)).toEqual([]);
    await c.ok(["up", "--timeout", "90s"]);
  }, 240_000);

  it("etcd-lock with set-max 2 lets two machines go at once, never three", async () => {
    const c = await running();
    for (const name of NAMES) await configure(c, name, { strategy: "etcd-lock" });
    const raised = await locksmithctl(c, "set-max", "2");
    expect([raised.code, raised.stdout]).toEqual([0, "Old-Max: 1\nMax: 2\n"]);
    try {
      const version = nextVersion();
      await publish(c, "stable", version);
      const from = await revisionNow(urls);
      await c.ok(["updates", "check"]);
      await allOn(c, version);
      await waitFor(
        async () => (await locksmithctl(c, "status")).stdout.startsWith("Available: 2\n"),
        { what: "both slots given back", timeoutMs: 60_000 },
      );
      const history = await lockHistory(urls, from);
      expect(mostHolders(history)).toBe(2);
    } finally {
      await locksmithctl(c, "set-max", "1");
    }
  }, 240_000);

  it("a machine moved to beta follows beta; moved back to a lower channel it keeps its release", async () => {
    const c = await running();
    const stable = osVersion(c, "core-01") as string;
    await configure(c, "core-02", { group: "beta" });
    const beta = nextVersion();
    await publish(c, "beta", beta);
    await c.ok(["updates", "check"]);
    await allOn(c, beta, ["core-02"]);
    expect(await payloadSays(c, "core-02")).toBe(beta);
    for (const name of ["core-01", "core-03"]) {
      await waitFor(
        async () =>
          /LAST_CHECKED_TIME=[1-9][\s\S]*UPDATE_STATUS_IDLE/.test(await engineStatus(c, name)),
        {
          what: `${name}'s check`,
          timeoutMs: 30_000,
        },
      );
      expect(osVersion(c, name)).toBe(stable);
    }

    // Back on stable, whose release is older: no downgrade.
    await configure(c, "core-02", { group: "stable" });
    await checkNow(c, ["core-02"]);
    expect(osVersion(c, "core-02")).toBe(beta);
    expect(await payloadSays(c, "core-02")).toBe(beta);
  }, 240_000);

  it("cloud-config coreos.update.group and shoal provision move the cluster to beta; back to stable, no downgrade", async () => {
    const c = await running();
    const beta = nextVersion();
    await publish(c, "beta", beta);
    setGroup(c, "beta");
    await c.ok(["provision"]);
    for (const name of NAMES) {
      expect(readFileSync(join(root(c, name), "etc/coreos/update.conf"), "utf8")).toMatch(
        /^GROUP=beta$/m,
      );
    }
    expect((await statusJson(c)).map((m) => m.updateChannel)).toEqual(NAMES.map(() => "beta"));
    await c.ok(["updates", "check"]);
    await allOn(c, beta);
    for (const name of NAMES) expect(await payloadSays(c, name)).toBe(beta);
    const machines = await statusJson(c);
    expect(machines.map((m) => [m.updateChannel, m.version])).toEqual(
      NAMES.map(() => ["beta", beta]),
    );

    // user-data back to stable, whose release is older: the machines keep beta's.
    setGroup(c, "stable");
    await c.ok(["provision"]);
    expect((await statusJson(c)).map((m) => m.updateChannel)).toEqual(NAMES.map(() => "stable"));
    await checkNow(c, NAMES);
    for (const name of NAMES) expect(osVersion(c, name)).toBe(beta);
  }, 240_000);

  it("shoal reload of the proxy machine alone finds etcd's members through the others", async () => {
    const c = await running();
    const reloaded = await c.ok(["reload", "core-04", "--timeout", "60s"]);
    expect(reloaded.stdout).toContain("core-04");
    expect((await statusJson(c)).map((m) => m.state)).toEqual(NAMES.map(() => "running"));
  }, 120_000);
});
