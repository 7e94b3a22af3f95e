import { describe, expect, it } from "vitest";
import { clusterMachineRows, type Instance, renderMachines } from "../../src/update/index.js";

const instance = (over: Partial<Instance>): Instance => ({
  machineId: "id",
  alias: "",
  channel: "stable",
  version: "1.0.0",
  status: "UPDATE_STATUS_IDLE",
  newVersion: "",
  lastError: "",
  lastCheckAt: 0,
  updatedAt: 0,
  ...over,
});

describe("shoal updates status in a cluster's directory", () => {
  const instances = [
    instance({
      machineId: "id1",
      channel: "beta",
      version: "1.0.0",
      lastError: "error code 11 (PayloadSizeMismatch) updating to 1.1.0",
      lastCheckAt: Date.parse("2026-11-30T10:00:00Z"),
    }),
    instance({ machineId: "id2", version: "0.9.0", status: "UPDATE_STATUS_DOWNLOADING" }),
    instance({ machineId: "elsewhere" }),
  ];

  it("takes what each machine says now over the server's record, and the lock from its holders", () => {
    const rows = clusterMachineRows(
      [
        {
          name: "core-01",
          machineId: "id1",
          updateChannel: "stable",
          version: "1.0.0",
          slot: "B",
          updateStatus: "UPDATE_STATUS_UPDATED_NEED_REBOOT",
          newVersion: "1.1.0",
        },
        // Halted: it says nothing about its engine; the server's stale status is not shown.
        { name: "core-02", machineId: "id2", version: "1.0.0", slot: "A" },
        // Never checked in.
        {
          name: "core-03",
          machineId: "id3",
          version: "1.0.0",
          slot: "A",
          updateStatus: "UPDATE_STATUS_IDLE",
        },
      ],
      instances,
      ["id1"],
    );
    expect(rows).toEqual([
      {
        name: "core-01",
        machineId: "id1",
        channel: "stable",
        version: "1.0.0",
        slot: "B",
        status: "UPDATE_STATUS_UPDATED_NEED_REBOOT",
        newVersion: "1.1.0",
        rebootLock: true,
        lastError: "error code 11 (PayloadSizeMismatch) updating to 1.1.0",
        lastCheck: "2026-11-30T10:00:00Z",
      },
      expect.objectContaining({
        name: "core-02",
        channel: "stable",
        status: "",
        rebootLock: false,
      }),
      expect.objectContaining({ name: "core-03", lastError: "", lastCheck: "", rebootLock: false }),
    ]);
    const table = renderMachines(rows).split("\n");
    expect(table[0]).toMatch(
      /^NAME +CHANNEL +VERSION +SLOT +STATUS +NEW-VERSION +REBOOT-LOCK +LAST-ERROR$/,
    );
    expect(table[1]).toMatch(
      /^core-01 +stable +1\.0\.0 +B +UPDATE_STATUS_UPDATED_NEED_REBOOT +1\.1\.0 +held +error code 11/,
    );
    expect(table[2]).toMatch(/^core-02 +stable +1\.0\.0 +A +- +- +no +-$/);
  });

  it("leaves the lock out when it could not be read, rather than saying nobody holds it", () => {
    const [row] = clusterMachineRows([{ name: "core-01", machineId: "id1" }], instances, undefined);
    expect(row).not.toHaveProperty("rebootLock");
    expect(row).toMatchObject({ channel: "beta", version: "1.0.0", slot: "" });
    expect(renderMachines(row ? [row] : [])).toMatch(/^core-01 +beta +1\.0\.0 +- +- +- +- +error/m);
  });
});
