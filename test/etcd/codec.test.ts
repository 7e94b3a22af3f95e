/** etcd's JSON gateway mapping, both ways: the shapes etcd 3.4 sends and takes. */
import { describe, expect, it } from "vitest";
import {
  compare,
  decodeRange,
  decodeTxn,
  decodeWatch,
  encodeCompare,
  encodeOp,
  errorMessage,
  JsonObjects,
  op,
  prefixEnd,
  rangeOf,
} from "../../src/etcd/codec.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const bytes = (...b: number[]) => Buffer.from(b).toString("base64");

describe("range ends", () => {
  it.each([
    ["foo", b64("fop")],
    ["a/", b64("a0")],
    ["", bytes(0)],
    ["é", bytes(0xc3, 0xaa)], // UTF-8 c3 a9: the last byte goes up
  ])("prefix %j ends at %s", (prefix, end) => {
    expect(prefixEnd(prefix)).toBe(end);
  });

  it("raises the last byte of the highest code point too; an empty prefix is every key", () => {
    // U+FFFF is ef bf bf in UTF-8.
    expect(prefixEnd("\uffff")).toBe(bytes(0xef, 0xbf, 0xc0));
    expect(rangeOf("k")).toEqual({ key: b64("k") });
    expect(rangeOf("", true)).toEqual({ key: bytes(0), range_end: bytes(0) });
    expect(rangeOf("job/", true)).toEqual({ key: b64("job/"), range_end: b64("job0") });
  });
});

describe("encoding a transaction", () => {
  it.each([
    [compare("k", "Create", "==", 0), { target: "CREATE", result: "EQUAL", create_revision: "0" }],
    [compare("k", "Mod", "<", "17"), { target: "MOD", result: "LESS", mod_revision: "17" }],
    [compare("k", "Version", ">", 2), { target: "VERSION", result: "GREATER", version: "2" }],
    [compare("k", "Value", "!=", "m1"), { target: "VALUE", result: "NOT_EQUAL", value: b64("m1") }],
    [
      compare("k", "Lease", "==", "7587867419409392903"),
      { target: "LEASE", result: "EQUAL", lease: "7587867419409392903" },
    ],
  ])("compare %j", (c, fields) => {
    expect(encodeCompare(c)).toEqual({ key: b64("k"), ...fields });
  });

  it.each([
    [op.get("a"), { request_range: { key: b64("a") } }],
    [op.put("a", "v"), { request_put: { key: b64("a"), value: b64("v") } }],
    [op.put("a", "", "42"), { request_put: { key: b64("a"), value: "", lease: "42" } }],
    [op.delete("a"), { request_delete_range: { key: b64("a") } }],
    [op.deletePrefix("a/"), { request_delete_range: { key: b64("a/"), range_end: b64("a0") } }],
  ])("op %j", (o, json) => {
    expect(encodeOp(o)).toEqual(json);
  });
});

describe("decoding answers", () => {
  it("fills in the fields etcd leaves out at their zero value", () => {
    expect(
      decodeRange({
        header: { revision: "9" },
        kvs: [{ key: b64("k"), create_revision: "3", mod_revision: "9", version: "2" }],
        count: "1",
      }),
    ).toEqual({
      revision: "9",
      count: 1,
      kvs: [
        { key: "k", value: "", createRevision: "3", modRevision: "9", version: "2", lease: "0" },
      ],
    });
    expect(decodeRange({ header: { revision: "4" } })).toEqual({
      revision: "4",
      kvs: [],
      count: 0,
    });
  });

  it("a txn: succeeded absent is false; each response by its kind", () => {
    // As etcd 3.4 answered a failed compare with a get, a put and a delete.
    const body = {
      header: { revision: "3" },
      responses: [
        {
          response_range: {
            header: { revision: "2" },
            kvs: [{ key: b64("foo"), value: b64("bar"), lease: "12" }],
            count: "1",
          },
        },
        { response_put: { header: { revision: "3" } } },
        { response_delete_range: { header: { revision: "3" }, deleted: "2" } },
        { response_delete_range: { header: { revision: "3" } } },
      ],
    };
    expect(decodeTxn(body)).toEqual({
      succeeded: false,
      revision: "3",
      responses: [
        {
          kvs: [
            {
              key: "foo",
              value: "bar",
              createRevision: "0",
              modRevision: "0",
              version: "0",
              lease: "12",
            },
          ],
        },
        { put: true },
        { deleted: 2 },
        { deleted: 0 },
      ],
    });
    expect(decodeTxn({ succeeded: true }).succeeded).toBe(true);
  });

  it("watch messages: created, events (absent type is PUT), compaction", () => {
    expect(decodeWatch({ header: { revision: "3" }, created: true })).toEqual({
      revision: "3",
      created: true,
      canceled: false,
      events: [],
    });
    expect(
      decodeWatch({
        header: { revision: "8" },
        events: [
          { kv: { key: b64("a"), value: b64("1"), mod_revision: "7" } },
          { type: "DELETE", kv: { key: b64("b"), mod_revision: "8" } },
        ],
      }).events,
    ).toEqual([
      { type: "put", key: "a", value: "1", modRevision: "7" },
      { type: "delete", key: "b", value: "", modRevision: "8" },
    ]);
    expect(
      decodeWatch({ header: { revision: "3" }, canceled: true, compact_revision: "3" }),
    ).toMatchObject({ canceled: true, compactRevision: "3" });
  });

  it.each([
    [
      { error: "etcdserver: requested lease not found", code: 5 },
      "etcdserver: requested lease not found",
    ],
    [{ error: "x", message: "etcdserver: no leader" }, "etcdserver: no leader"],
    [{ error: { grpc_code: 14, message: "etcdserver: no leader" } }, "etcdserver: no leader"],
    [{ result: {} }, undefined],
    ["text", undefined],
  ])("error message of %j", (body, message) => {
    expect(errorMessage(body)).toBe(message);
  });
});

describe("splitting a stream of JSON objects", () => {
  it.each([
    ["one per chunk, newline-delimited", ['{"a":1}\n', '{"b":2}\n'], ['{"a":1}', '{"b":2}']],
    ["split anywhere", ['{"a":', '{"x":"}"}', '}\n{"b"', ":2}"], ['{"a":{"x":"}"}}', '{"b":2}']],
    [
      "braces and escaped quotes in strings",
      ['{"s":"\\"{"}{"t":"\\\\"}'],
      ['{"s":"\\"{"}', '{"t":"\\\\"}'],
    ],
    ["nothing complete yet", ['{"a":[1,'], []],
  ])("%s", (_, chunks, objects) => {
    const s = new JsonObjects();
    expect(chunks.flatMap((c) => s.push(c))).toEqual(objects);
  });
});
