/**
 * A release really becomes the running one: published with `shoal updates
 * publish`, fetched on `shoal updates check` by the machine's
 * update-engine into its passive /usr slot, and booted by the machine's
 * own `reboot`. A new slot that does not boot good (its /usr/bin/etcd
 * cannot start) brings the machine back on the old one by itself; a
 * tampered payload never reaches a slot. Real machines, real etcd.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privileges } from "../../../src/host/index.js";
import { connectMachine } from "../../../src/machine/index.js";
import { publishedPayload, tamper } from "../../update/helpers.js";
import { newCluster, statusJson, type TestCluster, teardown, waitFor } from "./harness.js";

const BASE = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"))
  .version as string;

/** A release tree (laid over /usr): bin/hello-release, and the given extra files. */
function releaseTree(c: TestCluster, version: string, extra: Record<string, string> = {}): string {
  const tree = join(c.stateDir, `release-${version}`);
  const files = { "bin/hello-release": `#!/bin/sh\necho "hello from ${version}"\n`, ...extra };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(tree, path, ".."), { recursive: true });
    writeFileSync(join(tree, path), text);
    chmodSync(join(tree, path), 0o755);
  }
  return tree;
}

interface UpdateRow {
  name: string;
  version: string;
  status: string;
  lastError: string;
}

async function updatesStatus(c: TestCluster): Promise<UpdateRow[]> {
  return JSON.parse((await c.ok(["updates", "status", "-o", "json"])).stdout) as UpdateRow[];
}

/** The machine's agent status: the release and slot it runs, and update-engine's status. */
async function agentStatus(c: TestCluster, name: string) {
  const client = await connectMachine(c.machineDir(name));
  return client.status();
}

async function engineStatus(c: TestCluster, name: string): Promise<string> {
  const r = await c.run(["ssh", name, "--", "update_engine_client", "-status"]);
  return /^CURRENT_OP=(\S+)$/m.exec(r.stdout)?.[1] ?? `? (${r.code}: ${r.stderr.trim()})`;
}

/** The slot table as the machine keeps it. */
function slotTable(c: TestCluster, name: string) {
  return JSON.parse(readFileSync(join(c.machineDir(name), "slots", "slots.json"), "utf8")) as {
    a: { version: string; successful: boolean; priority: number; tries: number };
    b: { version: string; successful: boolean; priority: number; tries: number };
    booted: "a" | "b";
  };
}

/** Waits until the machine's last boot runs `slot`, completed (marked good), with etcd healthy. */
async function backHealthy(c: TestCluster, name: string, slot: string): Promise<void> {
  await waitFor(
    async () => {
      if ((await agentStatus(c, name)).slot !== slot) return false;
      const text = readFileSync(join(c.machineDir(name), "console.log"), "utf8");
      const lastBoot = text.slice(text.lastIndexOf("shoal machine agent"));
      if (!lastBoot.includes(`boot completed: ${slot}`)) return false;
      return (await statusJson(c))[0]?.etcd?.health === true;
    },
    { what: `${name} back on ${slot} with etcd healthy`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

const providers = privileges().root ? (["process", "namespace"] as const) : (["process"] as const);
type Provider = "process" | "namespace";

/** One-machine clusters of a provider, torn down (and checked for leaks) after each test. */
function clustersOf(provider: Provider) {
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const cl of clusters.splice(0))
      leaked.push(...(await teardown(cl, { bridge: provider === "namespace" })));
    expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
  });
  const sh = (c: TestCluster, command: string) => c.run(["ssh", "core-01", "--", command]);
  return {
    /** A cluster on `channel`; booted unless `boot` is false. */
    async upOne(channel = "stable", boot = true) {
      const c = newCluster("user-data.sample", `$num_instances=1\n$update_channel='${channel}'\n`);
      // These tests reboot by hand (`reboot` inside): locksmithd must not reboot first.
      const userData = join(c.dir, "user-data");
      writeFileSync(
        userData,
        readFileSync(userData, "utf8").replace(
          /^coreos:\n/m,
          'coreos:\n  update:\n    reboot-strategy: "off"\n',
        ),
      );
      clusters.push(c);
      if (boot) await c.ok(["up", "--provider", provider, "--timeout", "60s"]);
      return c;
    },
    sh,
    /** The machine's /etc/os-release: seen from inside (namespace), or under its root (process, whose / is the host's). */
    async osRelease(c: TestCluster) {
      return provider === "namespace"
        ? (await sh(c, "cat /etc/os-release")).stdout
        : readFileSync(join(c.machineDir("core-01"), "root", "etc", "os-release"), "utf8");
    },
  };
}

describe.each(providers)("updates into the machine (%s provider)", (provider) => {
  const { upOne, sh, osRelease } = clustersOf(provider);

  it("publish, check, reboot: the machine runs the new release from USR-B, etcd data kept, 3/2 reported", async () => {
    const c = await upOne();
    expect((await sh(c, "etcdctl put before-update kept")).code).toBe(0);
    const born = await agentStatus(c, "core-01");
    expect([born.version, born.slot]).toEqual([BASE, "USR-A"]);

    await c.ok([
      "updates",
      "publish",
      "--channel",
      "stable",
      "--version",
      "9.9.0",
      releaseTree(c, "9.9.0"),
    ]);
    await c.ok(["updates", "check", "core-01"]);
    await waitFor(
      async () => (await engineStatus(c, "core-01")) === "UPDATE_STATUS_UPDATED_NEED_REBOOT",
      { what: "the update installed", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(slotTable(c, "core-01").b).toMatchObject({
      version: "9.9.0",
      tries: 1,
      successful: false,
    });
    expect((await agentStatus(c, "core-01")).updateStatus).toBe(
      "UPDATE_STATUS_UPDATED_NEED_REBOOT",
    );

    expect((await sh(c, "reboot")).code).toBe(0);
    await backHealthy(c, "core-01", "USR-B");
    expect(await osRelease(c)).toMatch(/^VERSION_ID=9\.9\.0$/m);
    const st = await agentStatus(c, "core-01");
    expect([st.version, st.slot]).toEqual(["9.9.0", "USR-B"]);
    expect(slotTable(c, "core-01").b).toMatchObject({ successful: true, tries: 0 });
    // The payload's files are the machine's: on its PATH (process) or in its /usr (namespace).
    expect((await sh(c, "hello-release")).stdout).toBe("hello from 9.9.0\n");
    expect((await sh(c, "etcdctl get before-update --print-value-only")).stdout.trim()).toBe(
      "kept",
    );
    // update-engine said it is back, on the new version (event 3/2 with previousversion).
    await waitFor(
      async () => {
        const [row] = await updatesStatus(c);
        return row?.version === "9.9.0" && row.status === "UPDATE_STATUS_IDLE";
      },
      { what: "the server to learn the reboot into 9.9.0", timeoutMs: 30_000, intervalMs: 250 },
    );
  }, 240_000);
});

describe("a new machine (process provider)", () => {
  const { upOne, sh, osRelease } = clustersOf("process");

  it("a new machine is born with its channel's published release in USR-A", async () => {
    const c = await upOne("beta", false);
    await c.ok([
      "updates",
      "publish",
      "--channel",
      "beta",
      "--version",
      "9.7.0",
      releaseTree(c, "9.7.0"),
    ]);
    await c.ok(["up", "--provider", "process", "--timeout", "60s"]);
    const st = await agentStatus(c, "core-01");
    expect([st.version, st.slot]).toEqual(["9.7.0", "USR-A"]);
    expect(slotTable(c, "core-01").a).toMatchObject({ version: "9.7.0", successful: true });
    expect(await osRelease(c)).toMatch(/^VERSION_ID=9\.7\.0$/m);
    expect((await sh(c, "hello-release")).stdout).toBe("hello from 9.7.0\n");
  }, 120_000);
});

// The namespace provider needs root; on this project's hosts the tests run as root.
describe.runIf(privileges().root)("a release that does not boot good (namespace provider)", () => {
  const { upOne, sh, osRelease } = clustersOf("namespace");

  it("a tampered payload is refused with the slots untouched; a release whose etcd cannot start rolls back by itself, error reported, rollout paused", async () => {
    const c = await upOne();
    expect((await sh(c, "etcdctl put before-rollback kept")).code).toBe(0);
    const before = slotTable(c, "core-01");

    // Tampered: the bytes on the server's disk changed after publish.
    const pub = await c.ok([
      "updates",
      "publish",
      "--channel",
      "stable",
      "--version",
      "9.8.0",
      releaseTree(c, "9.8.0"),
    ]);
    tamper(publishedPayload(c.stateDir, pub.stdout));
    await c.ok(["updates", "check", "core-01"]);
    const refused = await waitFor(
      async () => {
        const [row] = await updatesStatus(c);
        return row?.lastError ? row : undefined;
      },
      { what: "the tampered payload refused", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(refused.lastError).toMatch(/PayloadHashMismatch/);
    expect(slotTable(c, "core-01")).toEqual(before);
    expect(existsSync(join(c.machineDir("core-01"), "slots", "b"))).toBe(false);
    await c.ok(["updates", "resume", "stable"]);

    // Broken: the release's /usr/bin/etcd cannot start.
    const broken = releaseTree(c, "9.9.1", {
      "bin/etcd": "#!/bin/sh\necho 'etcd of a broken release' >&2\nexit 1\n",
    });
    await c.ok(["updates", "publish", "--channel", "stable", "--version", "9.9.1", broken]);
    await c.ok(["updates", "check", "core-01"]);
    await waitFor(
      async () => (await engineStatus(c, "core-01")) === "UPDATE_STATUS_UPDATED_NEED_REBOOT",
      { what: "the broken release installed", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect((await sh(c, "reboot")).code).toBe(0);
    // USR-B gets its one try, etcd fails there, and the machine reboots itself onto USR-A.
    await waitFor(
      () =>
        readFileSync(join(c.machineDir("core-01"), "console.log"), "utf8").includes(
          "USR-B (release 9.9.1) did not boot good",
        ),
      { what: "the trial boot of USR-B to give up", timeoutMs: 120_000, intervalMs: 250 },
    );
    await backHealthy(c, "core-01", "USR-A");
    expect(await osRelease(c)).toMatch(
      new RegExp(`^VERSION_ID=${BASE.replaceAll(".", "\\.")}$`, "m"),
    );
    expect(slotTable(c, "core-01")).toMatchObject({
      booted: "a",
      b: { version: "9.9.1", priority: 0, successful: false },
    });
    expect((await sh(c, "etcdctl get before-rollback --print-value-only")).stdout.trim()).toBe(
      "kept",
    );
    const row = await waitFor(
      async () => {
        const [r] = await updatesStatus(c);
        return r?.lastError.includes("9.9.1") ? r : undefined;
      },
      { what: "the failed boot reported", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(row.lastError).toMatch(/NewRootfsVerificationError\) updating to 9\.9\.1/);
    // It was the release's own /usr/bin/etcd that ran, and failed, on the trial boot.
    const journal = (await c.ok(["logs", "core-01", "etcd2.service"])).stdout;
    expect(journal).toContain("etcd of a broken release");
    expect(row.version).toBe(BASE);
    expect((await c.ok(["updates", "channels"])).stdout).toMatch(/stable is paused/);
  }, 300_000);
});
