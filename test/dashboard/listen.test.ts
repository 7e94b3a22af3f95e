import { describe, expect, it } from "vitest";
import { parseListen } from "../../src/dashboard/index.js";
import { UsageError } from "../../src/errors/index.js";

describe("--listen", () => {
  it.each([
    ["127.0.0.1:8090", { host: "127.0.0.1", port: 8090 }],
    ["127.17.8.1:0", { host: "127.17.8.1", port: 0 }],
    ["localhost:9000", { host: "127.0.0.1", port: 9000 }],
    ["[::1]:8090", { host: "::1", port: 8090 }],
    ["8090", { host: "127.0.0.1", port: 8090 }],
  ])("takes %s", (value, want) => {
    expect(parseListen(value)).toEqual(want);
  });

  it.each([
    ["0.0.0.0:8090", "loopback only"],
    ["192.168.1.5:8090", "loopback only"],
    [":8090", "loopback only"],
    ["[::]:8090", "loopback only"],
    ["example.com:80", "loopback only"],
    ["127.0.0.1", "expected HOST:PORT"],
    ["127.0.0.1:99999", "expected HOST:PORT"],
    ["127.0.0.1:http", "expected HOST:PORT"],
  ])("refuses %s", (value, why) => {
    expect(() => parseListen(value)).toThrow(UsageError);
    expect(() => parseListen(value)).toThrow(why);
  });
});
