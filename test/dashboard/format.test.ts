import { describe, expect, it } from "vitest";
import { applyPatch, bytes, updateStatus, uptime } from "../../src/dashboard/web/format.js";

describe("the page's formats", () => {
  const now = Date.parse("2026-11-30T10:00:00Z");
  it.each([
    [undefined, "–"],
    ["2026-11-30T10:00:00Z", "0s"],
    ["2026-11-30T09:59:15Z", "45s"],
    ["2026-11-30T09:57:55Z", "2m05s"],
    ["2026-11-30T07:55:00Z", "2h05m"],
    ["2026-11-27T07:00:00Z", "3d3h"],
    ["2026-11-30T10:00:09Z", "0s"],
  ])("uptime since %s is %s", (started, want) => {
    expect(uptime(started, now)).toBe(want);
  });

  it.each([
    [undefined, "–"],
    [512, "512 B"],
    [20480, "20.0 KiB"],
    [5 * 1024 * 1024 + 512 * 1024, "5.5 MiB"],
  ])("%s bytes read %s", (n, want) => {
    expect(bytes(n)).toBe(want);
  });

  it("says update-engine's status in short", () => {
    expect(updateStatus("UPDATE_STATUS_IDLE")).toBe("idle");
    expect(updateStatus("UPDATE_STATUS_CHECKING_FOR_UPDATE")).toBe("checking for update");
    expect(updateStatus("UPDATE_STATUS_UPDATED_NEED_REBOOT")).toBe("updated, need reboot");
    expect(updateStatus(undefined)).toBe("–");
  });

  it("applies a patch: its keys replace, null removes, the rest stays", () => {
    const view = { a: 1, b: [1, 2], problem: "x" };
    expect(applyPatch(view, { b: [3], problem: null })).toEqual({ a: 1, b: [3] });
    expect(view).toEqual({ a: 1, b: [1, 2], problem: "x" });
  });
});
