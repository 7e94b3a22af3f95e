import { describe, expect, it } from "vitest";
import { parseRequest } from "../../src/machine/control/protocol.js";

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
  ])("rejects %s", (line, message) => {
    expect(() => parseRequest(line)).toThrow(message);
  });
});
