import { describe, expect, it } from "vitest";
import {
  chooseBoot,
  type EngineEvent,
  type EngineState,
  firstCheck,
  formatStatus,
  formatStatusUpdate,
  IDLE,
  markGood,
  markInstalled,
  newSlotTable,
  next,
  nextCheck,
  readUpdateSettings,
  rebootOutcome,
  type UpdateStatus,
} from "../../src/update/index.js";

const at = (status: UpdateStatus): EngineState => ({ ...IDLE, status });

describe("update_engine status transitions", () => {
  it.each<[UpdateStatus, EngineEvent, UpdateStatus]>([
    ["UPDATE_STATUS_IDLE", { kind: "check", at: 5 }, "UPDATE_STATUS_CHECKING_FOR_UPDATE"],
    ["UPDATE_STATUS_DOWNLOADING", { kind: "check", at: 5 }, "UPDATE_STATUS_DOWNLOADING"],
    ["UPDATE_STATUS_CHECKING_FOR_UPDATE", { kind: "noupdate" }, "UPDATE_STATUS_IDLE"],
    [
      "UPDATE_STATUS_CHECKING_FOR_UPDATE",
      { kind: "available", version: "1.1.0", size: 9 },
      "UPDATE_STATUS_UPDATE_AVAILABLE",
    ],
    ["UPDATE_STATUS_IDLE", { kind: "available", version: "1.1.0", size: 9 }, "UPDATE_STATUS_IDLE"],
    [
      "UPDATE_STATUS_UPDATE_AVAILABLE",
      { kind: "progress", fraction: 0.5 },
      "UPDATE_STATUS_DOWNLOADING",
    ],
    ["UPDATE_STATUS_DOWNLOADING", { kind: "downloaded" }, "UPDATE_STATUS_VERIFYING"],
    ["UPDATE_STATUS_VERIFYING", { kind: "verified" }, "UPDATE_STATUS_FINALIZING"],
    ["UPDATE_STATUS_FINALIZING", { kind: "installed" }, "UPDATE_STATUS_UPDATED_NEED_REBOOT"],
    ["UPDATE_STATUS_VERIFYING", { kind: "installed" }, "UPDATE_STATUS_VERIFYING"],
    ["UPDATE_STATUS_VERIFYING", { kind: "failed" }, "UPDATE_STATUS_REPORTING_ERROR_EVENT"],
    ["UPDATE_STATUS_DOWNLOADING", { kind: "failed" }, "UPDATE_STATUS_REPORTING_ERROR_EVENT"],
    ["UPDATE_STATUS_UPDATED_NEED_REBOOT", { kind: "failed" }, "UPDATE_STATUS_UPDATED_NEED_REBOOT"],
    ["UPDATE_STATUS_REPORTING_ERROR_EVENT", { kind: "reported" }, "UPDATE_STATUS_IDLE"],
    ["UPDATE_STATUS_UPDATED_NEED_REBOOT", { kind: "reset" }, "UPDATE_STATUS_IDLE"],
    ["UPDATE_STATUS_DOWNLOADING", { kind: "reset" }, "UPDATE_STATUS_DOWNLOADING"],
  ])("%s + %j -> %s", (from, event, to) => {
    expect(next(at(from), event).status).toBe(to);
  });

  it("carries the fields GetStatus reports", () => {
    let s = next(IDLE, { kind: "check", at: 1764490000 });
    s = next(s, { kind: "available", version: "1.1.0", size: 4096 });
    s = next(s, { kind: "progress", fraction: 0.25 });
    expect(s).toEqual({
      status: "UPDATE_STATUS_DOWNLOADING",
      lastCheckedTime: 1764490000,
      progress: 0.25,
      newVersion: "1.1.0",
      newSize: 4096,
    });
    expect(formatStatus(s)).toBe(
      "LAST_CHECKED_TIME=1764490000\nPROGRESS=0.250000\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\nNEW_VERSION=1.1.0\nNEW_SIZE=4096\n",
    );
    expect(formatStatus(IDLE)).toBe(
      "LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n",
    );
    const watched = formatStatusUpdate(s, new Date(Date.UTC(2026, 10, 30, 8, 5, 9, 12)), 42);
    expect(watched.split("\n")[0]).toBe(
      "I1130 08:05:09.012000    42 update_engine_client.cc:80] Got status update:",
    );
    expect(watched).toContain("]   current_operation: UPDATE_STATUS_DOWNLOADING\n");
  });
});

describe("check schedule", () => {
  it("first checks 7 min ± 5 min after start", () => {
    expect(firstCheck(0).delayMs).toBe(2 * 60_000);
    expect(firstCheck(0.999999).delayMs).toBe(12 * 60_000);
    expect(firstCheck(0.5).intervalS).toBe(420);
  });

  it.each([
    ["regular", { intervalS: 2700, pollIntervalS: 0, httpStatus: 200 }, 2700, [2400, 3000]],
    [
      "after the first check",
      { intervalS: 420, pollIntervalS: 0, httpStatus: 200 },
      2700,
      [2400, 3000],
    ],
    ["no answer at all", { intervalS: 2700, pollIntervalS: 0, httpStatus: 0 }, 2700, [2400, 3000]],
    ["backoff on 503", { intervalS: 2700, pollIntervalS: 0, httpStatus: 503 }, 5400, [2700, 8100]],
    [
      "backoff on 500",
      { intervalS: 5400, pollIntervalS: 0, httpStatus: 500 },
      10800,
      [5400, 16200],
    ],
    [
      "backoff capped at 4 h",
      { intervalS: 10800, pollIntervalS: 0, httpStatus: 503 },
      14400,
      [7200, 21600],
    ],
    [
      "backoff from the first check is the regular interval",
      { intervalS: 420, pollIntervalS: 0, httpStatus: 503 },
      2700,
      [2400, 3000],
    ],
    [
      "no backoff on 404",
      { intervalS: 5400, pollIntervalS: 0, httpStatus: 404 },
      2700,
      [2400, 3000],
    ],
    [
      "the server's PollInterval wins",
      { intervalS: 2700, pollIntervalS: 60, httpStatus: 200 },
      60,
      [30, 90],
    ],
    [
      "PollInterval wins over backoff",
      { intervalS: 2700, pollIntervalS: 7200, httpStatus: 503 },
      7200,
      [3600, 10800],
    ],
  ])("%s", (_, last, interval, [lo, hi]) => {
    expect(nextCheck(last, 0.5).intervalS).toBe(interval);
    expect(nextCheck(last, 0).delayMs).toBe((lo as number) * 1000);
    expect(nextCheck(last, 0.9999999).delayMs).toBe((hi as number) * 1000);
  });
});

describe("slot rules", () => {
  it("boots a new slot once, keeps it when the boot completes", () => {
    const installed = markInstalled(newSlotTable("0.1.0"), "b", "1.1.0");
    expect(installed.b).toEqual({ priority: 2, tries: 1, successful: false, version: "1.1.0" });
    const boot = chooseBoot(installed);
    expect(boot?.slot).toBe("b");
    expect(boot?.table.b.tries).toBe(0);
    const good = markGood(boot?.table as never);
    expect(good.b).toEqual({ priority: 2, tries: 0, successful: true, version: "1.1.0" });
    expect(chooseBoot(good)?.slot).toBe("b");
    // The next update goes to A, now the passive slot, and outranks B.
    const again = markInstalled(good, "a", "1.2.0");
    expect(again.a).toMatchObject({ priority: 3, tries: 1 });
    expect(chooseBoot(again)?.slot).toBe("a");
  });

  it("skips a slot with no tries left that never booted good, and comes back on the old one", () => {
    const installed = markInstalled(newSlotTable("0.1.0"), "b", "1.1.0");
    const tried = chooseBoot(installed)?.table;
    // The boot on B never completed: no markGood. The next boot goes back to A.
    const back = chooseBoot(tried as never);
    expect(back?.slot).toBe("a");
    expect(back?.table.b).toMatchObject({ priority: 0, tries: 0, successful: false });
    expect(back?.table.a).toMatchObject({ successful: true, tries: 0 });
    expect(chooseBoot(back?.table as never)?.slot).toBe("a");
  });

  it("tells what became of an installed release: waiting for the reboot, booted, or rolled back", () => {
    const installed = markInstalled(newSlotTable("0.1.0"), "b", "1.1.0");
    expect(rebootOutcome(installed, "1.1.0")).toBe("pending");
    const trial = chooseBoot(installed)?.table as never;
    expect(rebootOutcome(trial, "1.1.0")).toBe("booted");
    const back = chooseBoot(trial)?.table as never;
    expect(rebootOutcome(back, "1.1.0")).toBe("rolled-back");
    expect(rebootOutcome(markGood(trial), "1.1.0")).toBe("booted");
  });

  it("finds nothing to boot when no slot is good or has tries", () => {
    const t = newSlotTable("0.1.0");
    expect(chooseBoot({ ...t, a: { ...t.a, successful: false } })).toBeUndefined();
  });
});

describe("update.conf", () => {
  const files = (m: Record<string, string>) => (p: string) => m[p];

  it("takes GROUP and SERVER from /etc first, then /usr/share/coreos, then the release file", () => {
    const s = readUpdateSettings(
      files({
        "/etc/coreos/update.conf": "# mine\nGROUP=beta\nREBOOT_STRATEGY=off\n",
        "/usr/share/coreos/update.conf": "GROUP=stable\nSERVER=http://172.17.8.1:8088/v1/update/\n",
        "/usr/share/coreos/release":
          'COREOS_RELEASE_VERSION=1.1.0\nCOREOS_RELEASE_BOARD="amd64-usr"\nCOREOS_RELEASE_APPID={e96281a6-d1af-4bde-9a0a-97b76e56dc57}\nGROUP=alpha\n',
      }),
    );
    expect(s).toEqual({
      group: "beta",
      server: "http://172.17.8.1:8088/v1/update/",
      version: "1.1.0",
      board: "amd64-usr",
      appId: "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}",
    });
  });

  it("falls back to update_engine's defaults", () => {
    expect(readUpdateSettings(() => undefined)).toMatchObject({
      group: "stable",
      server: "https://public.update.core-os.net/v1/update/",
    });
    expect(readUpdateSettings(files({ "/usr/share/coreos/release": "GROUP=alpha\n" })).group).toBe(
      "alpha",
    );
  });
});
