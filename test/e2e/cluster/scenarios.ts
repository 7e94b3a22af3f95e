/**
 * The end-to-end scenarios, written once and run per provider
 * (process.test.ts for the process and rootless providers, namespace.test.ts). Every one starts real etcd members
 * through `shoal up` and asks them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
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

export function clusterScenarios(
  provider: "process" | "namespace" | "rootless",
  options: { user?: Account } = {},
): void {
  const bridge = provider === "namespace";
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge })));
    expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
  });
  const cluster = (sample: string) => {
    const c = newCluster(sample, undefined, options);
    clusters.push(c);
    return c;
  };
  const up = (c: TestCluster) => c.ok(["up", "--provider", provider, "--timeout", "60s"]);
  const etcdctl = (c: TestCluster, name: string, ...args: string[]) =>
    c.run(["ssh", name, "--", "etcdctl", ...args]);
  const memberIds = async (c: TestCluster) =>
    (await statusJson(c)).map((m) => m.etcd?.memberId).sort();

  it("boots the 2015 sample unmodified into 3 machines and a healthy 3-member etcd; halt then up keeps members and data; a SIGKILLed agent leaves its machine aborted; destroy then up gets a new token and cluster", async () => {
    const c = cluster("user-data.sample");
    const userData = readFileSync(join(c.dir, "user-data"), "utf8");
    const first = await up(c);
    expect(first.stdout).toContain(`Bringing machine 'core-01' up with '${provider}' provider...`);
    expect(first.stdout).toContain("etcd is healthy with 3 members.");
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
    const members = machines.map((m) => m.etcd?.memberId).sort();
    expect(new Set(members).size).toBe(3);
    expect(new Set(machines.map((m) => m.etcd?.leader)).size).toBe(1);
    expect(machines.filter((m) => m.etcd?.isLeader)).toHaveLength(1);
    // flanneld and docker-tcp.socket do not exist on these machines: failed, and the boot went on.
    const units = Object.fromEntries((machines[0]?.units ?? []).map((u) => [u.name, u.active]));
    expect(units).toMatchObject({
      "etcd2.service": "active",
      "flanneld.service": "failed",
      "docker-tcp.socket": "failed",
    });

    expect((await etcdctl(c, "core-01", "put", "greeting", "hello")).code).toBe(0);
    expect(
      (await etcdctl(c, "core-03", "get", "greeting", "--print-value-only")).stdout.trim(),
    ).toBe("hello");
    expect((await c.run(["ssh", "core-02", "--", "exit 7"])).code).toBe(7);

    // halt, then up: the same token, the same members, the data kept.
    const token = discoveryUrl(c);
    await c.ok(["halt"]);
    expect((await c.ok(["status"])).stdout).toContain(
      `core-03                   poweroff (${provider})\n`,
    );
    expect(processesMentioning([join(c.dir, ".shoal")])).toEqual([]);
    await up(c);
    expect(discoveryUrl(c)).toBe(token);
    expect(await memberIds(c)).toEqual(members);
    expect(
      (await etcdctl(c, "core-02", "get", "greeting", "--print-value-only")).stdout.trim(),
    ).toBe("hello");

    // SIGKILL of core-02's agent takes its units (etcd) down with it.
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

    // destroy, then up: a new token and a new cluster, without the old data.
    const destroyed = await c.ok(["destroy", "-f"]);
    expect(destroyed.stdout).toContain("==> core-01: Destroying VM and associated drives...");
    expect(leaks(c, { bridge })).toEqual([]);
    await up(c);
    expect(discoveryUrl(c)).not.toBe(token);
    const again = await statusJson(c);
    expect(again.every((m) => m.etcd?.health === true)).toBe(true);
    expect(again.some((m) => members.includes(m.etcd?.memberId))).toBe(false);
    expect((await etcdctl(c, "core-01", "get", "greeting")).stdout.trim()).toBe("");
    // The user's file was only read.
    expect(readFileSync(join(c.dir, "user-data"), "utf8")).toBe(userData);
  }, 240_000);

  it("boots the 2014 sample (the old etcd section, on port 4001) unmodified", async () => {
    const c = cluster("user-data-2014.sample");
    await up(c);
    const machines = await statusJson(c);
    expect(machines.every((m) => m.etcd?.health === true)).toBe(true);
    expect(new Set(machines.map((m) => m.etcd?.memberId)).size).toBe(3);
    expect((await etcdctl(c, "core-01", "put", "era", "2014")).code).toBe(0);
    expect((await etcdctl(c, "core-03", "get", "era", "--print-value-only")).stdout.trim()).toBe(
      "2014",
    );
  }, 120_000);
}
