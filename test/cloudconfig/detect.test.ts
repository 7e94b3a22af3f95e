import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectInput, validate } from "../../src/cloudconfig/index.js";
import { InputError } from "../../src/errors/index.js";

describe("detectInput", () => {
  it.each([
    ["", "empty"],
    ["#!/bin/bash\necho hi", "script"],
    ["#!", "script"],
    ['{"ignitionVersion":1}', "ignition"],
    ['{"ignition":{"version":"2.0.0"}}', "ignition"],
    ["#cloud-config", "cloud-config"],
    ["#cloud-config   \nhostname: a", "cloud-config"],
    ["#cloud-config\r\nhostname: a", "cloud-config"],
    ["# cloud-config\nhostname: a", "unknown"],
    [" #cloud-config", "unknown"],
    ["#cloud-config-archive", "unknown"],
    ["hostname: a", "unknown"],
    ['{"ignition":{}}', "unknown"],
    ['{"ignitionVersion":"1"}', "unknown"],
    ["{}", "unknown"],
  ])("%j is %s", (input, kind) => {
    expect(detectInput(input).kind).toBe(kind);
  });

  it("gunzips first", () => {
    const gz = gzipSync(Buffer.from("#cloud-config\nhostname: a\n"));
    expect(detectInput(gz)).toEqual({ kind: "cloud-config", text: "#cloud-config\nhostname: a\n" });
  });

  it("throws InputError for bytes that are not text, and validate turns that into an entry", () => {
    const corrupt = new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2]);
    const notUtf8 = new Uint8Array([0x23, 0xff, 0xfe]);
    for (const bytes of [corrupt, notUtf8, new TextEncoder().encode("#cloud-config\n\0")]) {
      expect(() => detectInput(bytes)).toThrow(InputError);
      expect(validate(bytes).entries).toMatchObject([{ kind: "error", line: 1, column: 1 }]);
    }
  });
});
