import { describe, expect, it } from "vitest";
import { parseVersion } from "../../src/doctor/binaries.js";

describe("parseVersion", () => {
  it.each([
    ["etcd Version: 3.4.23\nGit SHA: Not provided\nGo Version: go1.19.8\n", [3, 4, 23]],
    ["etcdctl version: 3.5.9\nAPI version: 3.5\n", [3, 5, 9]],
    ["no digits here", undefined],
  ])("reads %j", (output, expected) => {
    expect(parseVersion(output)).toEqual(expected);
  });
});
