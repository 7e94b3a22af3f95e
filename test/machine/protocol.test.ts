import { describe, expect, it } from "vitest";
import { parseRequest, signalNamed } from "../../src/machine/control/protocol.js";

describe("control protocol requests", () => {
  it.each([
    ['{"op":"status"}', { op: "status" }],
    ['{"op":"wait-boot"}', { op: "wait-boot" }],
    ['{"op":"halt","extra":1}', { op: "halt" }],
    ['{"op":"reboot"}', { op: "reboot" }],
    ['{"op":"start","unit":"etcd2.service"}', { op: "start", unit: "etcd2.service" }],
    ['{"op":"remove","unit":"foo@bar-1.service"}', { op: "remove", unit: "foo@bar-1.service" }],
    [
      '{"op":"install","unit":"a.service","content":"[Service]\\n","runtime":true}',
      { op: "install", unit: "a.service", content: "[Service]\n", runtime: true },
    ],
    [
      '{"op":"journal","unit":"a.service","lines":10,"follow":true}',
      { op: "journal", unit: "a.service", lines: 10, follow: true },
    ],
    [
      '{"op":"kill","unit":"fleet.service","signal":"SIGHUP"}',
      { op: "kill", unit: "fleet.service", signal: "SIGHUP" },
    ],
  ])("accepts %s", (line, request) => {
    expect(parseRequest(line)).toEqual(request);
  });

  it.each([
    ["not json", "bad request: not JSON"],
    ["[1]", "bad request: unknown op undefined"],
    ["null", "bad request: not an object"],
    ['{"op":"explode"}', 'bad request: unknown op "explode"'],
    ['{"op":"start"}', 'bad request: field "unit" must be a unit name like foo.service'],
    [
      '{"op":"start","unit":"../../etc/passwd"}',
      'bad request: field "unit" must be a unit name like foo.service',
    ],
    [
      '{"op":"stop","unit":"etcd2"}',
      'bad request: field "unit" must be a unit name like foo.service',
    ],
    ['{"op":"install","unit":"a.service"}', 'bad request: field "content" must be a string'],
    [
      '{"op":"install","unit":"a.service","content":"","runtime":"yes"}',
      'bad request: field "runtime" must be a boolean',
    ],
    [
      '{"op":"journal","unit":"a.service","lines":1.5}',
      'bad request: field "lines" must be a non-negative integer',
    ],
    [
      '{"op":"journal","unit":"a.service","follow":1}',
      'bad request: field "follow" must be a boolean',
    ],
    [
      '{"op":"kill","unit":"a.service","signal":"SIGNOPE"}',
      'bad request: field "signal" must be a signal name like SIGHUP',
    ],
    ['{"op":"kill","unit":"a.service"}', 'bad request: field "signal" must be a signal name'],
  ])("rejects %s", (line, message) => {
    expect(() => parseRequest(line)).toThrow(message);
  });

  it("names signals as systemctl kill -s takes them: SIGHUP, HUP, hup or 1", () => {
    for (const given of ["SIGHUP", "HUP", "hup", "1"]) expect(signalNamed(given)).toBe("SIGHUP");
    expect(signalNamed("USR1")).toBe("SIGUSR1");
    expect(signalNamed("9")).toBe("SIGKILL");
    for (const bad of ["NOPE", "999", "", "SIG"]) expect(signalNamed(bad)).toBeUndefined();
  });
});
