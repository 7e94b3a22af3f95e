/**
 * Reboot windows: parsing with locksmith's messages, and the window
 * arithmetic on a clock the test sets. Times are built in local time, as
 * locksmithd reads them, so the tables hold in any time zone.
 */
import { describe, expect, it } from "vitest";
import {
  msUntilWindow,
  nextWindow,
  parseRebootWindow,
  previousWindow,
} from "../../../src/update/locksmith/index.js";

const H = 3_600_000;
const M = 60_000;
/** Local time in the week of Sunday 2026-11-22 (Thu = 26th). */
const at = (day: number, hour: number, minute = 0) => new Date(2026, 10, 22 + day, hour, minute);
const SUN = 0;
const THU = 4;
const FRI = 5;
const SAT = 6;

describe("parseRebootWindow", () => {
  it.each([
    ["04:00", "1h", { hour: 4, minute: 0, lengthMs: H }],
    ["4:5", "30m", { hour: 4, minute: 5, lengthMs: 30 * M }],
    ["Thu 23:00", "1h30m", { day: THU, hour: 23, minute: 0, lengthMs: 1.5 * H }],
    ["thu 04:00", "0", { day: THU, hour: 4, minute: 0, lengthMs: 0 }],
    ["SAT 00:00", "167h59m", { day: SAT, hour: 0, minute: 0, lengthMs: 167 * H + 59 * M }],
    ["  Sun   12:30 ", "23h59m59s", { day: SUN, hour: 12, minute: 30, lengthMs: 24 * H - 1000 }],
    ["23:59", "1.5h", { hour: 23, minute: 59, lengthMs: 1.5 * H }],
  ])("%s for %s", (start, length, expected) => {
    expect(parseRebootWindow(start, length)).toEqual(expected);
  });

  it.each([
    ["Thursday 04:00", "1h", 'unable to parse start: invalid day of week "Thursday"'],
    ["Thu 04:00 UTC", "1h", "unable to parse start: wrong number of fields"],
    ["", "1h", "unable to parse start: wrong number of fields"],
    ["4am", "1h", 'unable to parse start: invalid time of day "4am"'],
    ["24:00", "1h", 'invalid time of day "24:00": hour must be >= 0 and <= 23'],
    ["-1:00", "1h", 'invalid time of day "-1:00": hour must be >= 0 and <= 23'],
    ["04:60", "1h", 'invalid time of day "04:60": minute must be >= 0 and <= 59'],
    ["04:00", "1x", "unable to parse duration: time: invalid duration 1x"],
    ["04:00", "90", "unable to parse duration: time: missing unit in duration 90"],
    ["04:00", "", "unable to parse duration: time: invalid duration "],
    ["04:00", "-1h", "duration cannot be negative"],
    ["04:00", "24h", "duration cannot exceed period"],
    ["Mon 04:00", "168h", "duration cannot exceed period"],
  ])("refuses %j for %j", (start, length, message) => {
    expect(() => parseRebootWindow(start, length)).toThrow(message);
  });
});

describe("window arithmetic", () => {
  const daily = parseRebootWindow("04:00", "1h30m");
  const weekly = parseRebootWindow("Thu 23:00", "1h30m");

  it.each([
    ["daily, before today's window", daily, at(THU, 3), H],
    ["daily, at its start", daily, at(THU, 4), 0],
    ["daily, inside", daily, at(THU, 5), -H],
    ["daily, at its very end (still inside)", daily, at(THU, 5, 30), -1.5 * H],
    ["daily, just after", daily, at(THU, 5, 31), 22.5 * H - M],
    ["daily, late evening", daily, at(THU, 23), 5 * H],
    ["weekly, earlier that week", weekly, at(SUN, 23), 4 * 24 * H],
    ["weekly, that day before it", weekly, at(THU, 22), H],
    ["weekly, inside, before midnight", weekly, at(THU, 23, 30), -30 * M],
    ["weekly, inside, past midnight", weekly, at(FRI, 0, 15), -75 * M],
    ["weekly, just over", weekly, at(FRI, 0, 31), 7 * 24 * H - 91 * M],
    ["weekly, Saturday", weekly, at(SAT, 23), 5 * 24 * H],
  ])("%s", (_name, w, now, expected) => {
    expect(msUntilWindow(w, now)).toBe(expected);
  });

  it("a weekly window near the week's end reaches into the next week", () => {
    const w = parseRebootWindow("Sat 23:00", "2h");
    expect(msUntilWindow(w, at(SUN + 7, 0, 30))).toBe(-90 * M);
    expect(previousWindow(w, at(SUN + 7, 0, 30))).toEqual({
      start: at(SAT, 23),
      end: at(SUN + 7, 1),
    });
  });

  it("previous and next periods, as the daemon logs them", () => {
    expect(nextWindow(weekly, at(THU, 23, 30))).toEqual({
      start: at(THU + 7, 23),
      end: at(FRI + 7, 0, 30),
    });
    expect(previousWindow(weekly, at(THU, 22))).toEqual({
      start: at(THU - 7, 23),
      end: at(FRI - 7, 0, 30),
    });
    expect(nextWindow(daily, at(THU, 3))).toEqual({ start: at(THU, 4), end: at(THU, 5, 30) });
    expect(nextWindow(daily, at(THU, 4))).toEqual({ start: at(FRI, 4), end: at(FRI, 5, 30) });
  });
});
