import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors/index.js";
import { parseCount, parseDuration } from "../../src/host/index.js";

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["2m", 120_000],
    ["1500ms", 1500],
    ["1h30m", 5_400_000],
    ["1h2m3.5s", 3_723_500],
    ["1.5h", 5_400_000],
    [".5s", 500],
    ["7d", 604_800_000],
    ["2000us", 2],
  ])("reads %s as %i ms", (text, ms) => {
    expect(parseDuration(text, "--x")).toBe(ms);
  });

  it.each(["", "soon", "30", "1x", "1h 30m", "0", "0s", "100us", "-1s"])(
    "refuses %j with a UsageError naming the flag",
    (text) => {
      expect(() => parseDuration(text, "--token-ttl")).toThrow(UsageError);
      expect(() => parseDuration(text, "--token-ttl")).toThrow(/^--token-ttl: /);
    },
  );

  it("counts a plain number as seconds only where asked", () => {
    expect(parseDuration("90", "--timeout", { plainSeconds: true })).toBe(90_000);
    expect(parseDuration("0.25", "--timeout", { plainSeconds: true })).toBe(250);
    expect(() => parseDuration("90", "FLEET_AGENT_TTL")).toThrow(/FLEET_AGENT_TTL: bad duration/);
  });
});

describe("parseCount", () => {
  it("reads whole numbers within the range", () => {
    expect(parseCount("0", "--new-rate", 0)).toBe(0);
    expect(parseCount("10000", "--max-size", 1, 10_000)).toBe(10_000);
  });

  it.each([
    ["0", 1, 10, /--n: bad value "0": expected a whole number from 1 to 10/],
    ["11", 1, 10, /from 1 to 10/],
    ["-1", 0, undefined, /--n: bad value "-1": expected a whole number 0 or more/],
    ["1.5", 0, undefined, /bad value "1.5"/],
    ["ten", 0, undefined, /bad value "ten"/],
  ])("refuses %j (min %i, max %s)", (text, min, max, message) => {
    expect(() => parseCount(text, "--n", min, max)).toThrow(UsageError);
    expect(() => parseCount(text, "--n", min, max)).toThrow(message);
  });
});
