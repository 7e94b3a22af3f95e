import { describe, expect, it } from "vitest";
import { compareVersions, isVersion, parseVersion } from "../../src/update/index.js";

describe("release versions", () => {
  it.each([
    ["1.2.3", [1, 2, 3]],
    ["0.0.0", [0, 0, 0]],
    ["2247.7.0", [2247, 7, 0]],
  ])("parses %s", (text, numbers) => {
    expect(parseVersion(text)).toEqual(numbers);
  });

  it.each(["", "1.2", "1.2.3.4", "1.x.0", "01.2.3", "1.2.3-beta", " 1.2.3", "-1.2.3", "0.0.0.0"])(
    "refuses %j",
    (text) => {
      expect(isVersion(text)).toBe(false);
    },
  );

  it.each([
    ["1.10.0", "1.9.0", 1],
    ["1.9.0", "1.10.0", -1],
    ["10.0.0", "9.99.99", 1],
    ["1.2.3", "1.2.3", 0],
    ["1.2.10", "1.2.9", 1],
    ["0.0.1", "0.0.0.0", 1],
    ["", "0.0.1", -1],
    ["junk", "junk", 0],
  ])("compares %s with %s as numbers", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});
