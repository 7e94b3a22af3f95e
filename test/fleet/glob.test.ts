import { describe, expect, it } from "vitest";
import { globMatch } from "../../src/fleet/glob.js";

describe("globMatch (Go path.Match)", () => {
  it.each([
    ["foo@*.service", "foo@1.service", true],
    ["foo@*.service", "foo@.service", true],
    ["foo@*.service", "bar@1.service", false],
    ["*", "a/b", false],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["web-[0-9].service", "web-3.service", true],
    ["web-[0-9].service", "web-x.service", false],
    ["web-[^0-9].service", "web-x.service", true],
    ["web-[^0-9].service", "web-3.service", false],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["exact.service", "exact.service", true],
    ["exact.service", "exactXservice", false],
    ["[", "[", false],
    ["ab[", "ab[", false],
    ["a\\", "a", false],
  ])("%s vs %s -> %s", (pattern, name, want) => {
    expect(globMatch(pattern, name)).toBe(want);
  });
});
