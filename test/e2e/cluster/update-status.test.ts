/**
 * What the host shows of a cluster's updates, against real machines (process
 * provider, real etcd members, update-engine in every agent): `shoal up`
 * when its update server cannot start, the release, slot and update status
 * in `shoal status -o json`, and `shoal updates status` with the reboot
 * lock read from etcd.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MachineRow } from "../../../src/update/index.js";
import { publishedPayload, releaseTree, tamper } from "../../update/helpers.js";
import { newCluster, statusJson, type TestCluster, teardown, waitFor } from "./harness.js";

let c: TestCluster;
/** The base release every new machine runs: shoal's own version. */
const SHOAL_VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

beforeAll(() => {
  c = newCluster("user-data.sample");
  // Its own addresses (127.0.0.101-103), so it never meets another suite's machines;
  // reboot-strategy off: an installed update waits in UPDATED_NEED_REBOOT for us to look at.
  writeFileSync(
    join(c.dir, "shoal.yaml"),
    "instances: 3\nprovider: process\nupdateChannel: stable\nuserData: ./user-data\nnetwork:\n  subnet: 172.21.14.0/24\n",
  );
  appendFileSync(join(c.dir, "user-data"), '  update:\n    reboot-strategy: "off"\n');
});

afterAll(async () => {
  const leaked = c ? await teardown(c, { bridge: false }) : [];
  expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
}, 60_000);

const updatesStatus = async () =>
  JSON.parse((await c.ok(["updates", "status", "-o", "json"])).stdout) as MachineRow[];

/** Waits until `shoal updates status` says what `ready` wants of the named machine. */
const waitRow = (name: string, what: string, ready: (r: MachineRow) => boolean) =>
  waitFor(
    async () => {
      const row = (await updatesStatus()).find((r) => r.name === name);
      return row && ready(row) ? row : undefined;
    },
    { what, timeoutMs: 30_000 },
  );

describe("shoal up with an update server that cannot start", () => {
  it("warns, naming the server's log, boots the machines all the same, and starts it on the next up", async () => {
    // A damaged store: neither the release key nor the server can come out of it.
    const store = join(c.stateDir, "updates");
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, "updates.db"), "this is not an SQLite database\n".repeat(200));
    const first = await c.run(["up", "--timeout", "60s"]);
    expect(first.code, first.stderr).toBe(0);
    const said = first.stdout + first.stderr;
    const log = join(c.stateDir, "updates-127.0.0.1.log");
    expect(said).toContain("warning: cannot read the update server's release key:");
    expect(said).toContain(
      `warning: the local updates server did not start on 127.0.0.1; the end of ${log}:`,
    );
    expect(said).toContain("file is not a database");
    expect(said).toContain("cannot update until the update server runs");
    expect(readFileSync(log, "utf8")).toContain("file is not a database");
    expect((await statusJson(c)).map((m) => m.state)).toEqual(["running", "running", "running"]);

    rmSync(store, { recursive: true, force: true });
    const second = await c.ok(["up", "--timeout", "60s"]);
    expect(second.stdout + second.stderr).not.toContain("warning");
    expect(
      readFileSync(join(c.machineDir("core-01"), "config-drive/shoal/update-key.pem"), "utf8"),
    ).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  }, 180_000);
});

describe("the update state of real machines", () => {
  it("shoal status -o json: each machine's release, slot and update status; the table stays vagrant's", async () => {
    const machines = await waitFor(
      async () => {
        const ms = await statusJson(c);
        return ms.every((m) => m.updateStatus) ? ms : undefined;
      },
      { what: "every update-engine to answer", timeoutMs: 30_000 },
    );
    for (const m of machines)
      expect(m).toMatchObject({
        updateChannel: "stable",
        version: SHOAL_VERSION,
        slot: "A",
        updateStatus: "UPDATE_STATUS_IDLE",
      });
    expect(machines.some((m) => "newVersion" in m)).toBe(false);
    const table = (await c.ok(["status"])).stdout;
    expect(table).toContain("core-01                   running (process)\n");
  }, 60_000);

  it("shoal updates status: release, slot, update status, new version, the reboot lock and the last error", async () => {
    const published = await c.ok([
      "updates",
      "publish",
      "--channel",
      "stable",
      "--version",
      "9.1.0",
      releaseTree(join(c.stateDir, "release"), "9.1.0"),
    ]);
    await c.ok(["updates", "check", "core-01"]);
    const got = await waitRow(
      "core-01",
      "core-01 to install 9.1.0",
      (r) => r.status === "UPDATE_STATUS_UPDATED_NEED_REBOOT",
    );
    // It runs the old release from slot A until it reboots into B.
    expect(got).toMatchObject({
      channel: "stable",
      version: SHOAL_VERSION,
      slot: "A",
      newVersion: "9.1.0",
      rebootLock: false,
      lastError: "",
    });
    expect((await statusJson(c)).find((m) => m.name === "core-01")).toMatchObject({
      updateStatus: "UPDATE_STATUS_UPDATED_NEED_REBOOT",
      newVersion: "9.1.0",
    });

    // locksmithctl inside core-02 takes the reboot lock in etcd.
    const lock = await c.run(["ssh", "core-02", "--", "locksmithctl", "lock"]);
    expect(lock.code, lock.stderr).toBe(0);
    const rows = await updatesStatus();
    expect(rows.map((r) => [r.name, r.rebootLock])).toEqual([
      ["core-01", false],
      ["core-02", true],
      ["core-03", false],
    ]);

    // The payload's bytes change on the server's disk: core-03 refuses it and reports why.
    tamper(publishedPayload(c.stateDir, published.stdout));
    await c.ok(["updates", "check", "core-03"]);
    const refused = await waitRow(
      "core-03",
      "core-03's error to reach the server",
      (r) => r.lastError !== "",
    );
    expect(refused).toMatchObject({
      status: "UPDATE_STATUS_IDLE",
      newVersion: "",
      lastError: "error code 10 (PayloadHashMismatch) updating to 9.1.0",
    });

    const table = (await c.ok(["updates", "status"])).stdout.split("\n");
    expect(table[0]).toMatch(
      /^NAME +CHANNEL +VERSION +SLOT +STATUS +NEW-VERSION +REBOOT-LOCK +LAST-ERROR$/,
    );
    const v = SHOAL_VERSION.replaceAll(".", "\\.");
    expect(table[1]).toMatch(
      new RegExp(`^core-01 +stable +${v} +A +UPDATE_STATUS_UPDATED_NEED_REBOOT +9\\.1\\.0 +no +-$`),
    );
    expect(table[2]).toMatch(
      new RegExp(`^core-02 +stable +${v} +A +UPDATE_STATUS_IDLE +- +held +-$`),
    );
    expect(table[3]).toMatch(
      new RegExp(
        `^core-03 +stable +${v} +A +UPDATE_STATUS_IDLE +- +no +error code 10 \\(PayloadHashMismatch\\) updating to 9\\.1\\.0$`,
      ),
    );

    // A halted machine still shows what it runs; its engine has nothing to say.
    await c.ok(["halt", "core-03"]);
    expect((await updatesStatus()).find((r) => r.name === "core-03")).toMatchObject({
      version: SHOAL_VERSION,
      slot: "A",
      status: "",
      lastError: "error code 10 (PayloadHashMismatch) updating to 9.1.0",
    });
  }, 120_000);
});
