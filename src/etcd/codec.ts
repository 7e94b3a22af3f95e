/**
 * etcd v3's JSON gateway mapping, both ways, free of I/O: keys and values
 * are base64, int64s are decimal strings, fields at their zero value are
 * left out of answers (an absent `type` is PUT, an absent `succeeded` is
 * false), enums travel as their names.
 */

export interface KeyValue {
  key: string;
  value: string;
  /** Decimal int64s; "0" when etcd left them out. */
  createRevision: string;
  modRevision: string;
  version: string;
  lease: string;
}

export interface WatchEvent {
  type: "put" | "delete";
  key: string;
  /** "" for a delete. */
  value: string;
  modRevision: string;
}

export type CompareTarget = "Create" | "Mod" | "Version" | "Value" | "Lease";
export type CompareOp = "==" | "!=" | ">" | "<";

export interface Compare {
  key: string;
  target: CompareTarget;
  op: CompareOp;
  /** A revision, version or lease id (decimal), or the value for "Value". */
  against: string | number;
}

export type Op =
  | { get: { key: string; prefix?: boolean } }
  | { put: { key: string; value: string; lease?: string } }
  | { delete: { key: string; prefix?: boolean } };

/** What one operation of a transaction gave back, in the order asked. */
export type OpResult = { kvs: KeyValue[] } | { put: true } | { deleted: number };

export interface TxnResult {
  succeeded: boolean;
  revision: string;
  responses: OpResult[];
}

export interface RangeResult {
  revision: string;
  kvs: KeyValue[];
  count: number;
}

/** A compare, as written in code: `compare(key, "Create", "==", 0)`. */
export function compare(
  key: string,
  target: CompareTarget,
  op: CompareOp,
  against: string | number,
): Compare {
  return { key, target, op, against };
}

export const op = {
  get: (key: string): Op => ({ get: { key } }),
  put: (key: string, value: string, lease?: string): Op => ({
    put: { key, value, ...(lease ? { lease } : {}) },
  }),
  delete: (key: string): Op => ({ delete: { key } }),
  deletePrefix: (prefix: string): Op => ({ delete: { key: prefix, prefix: true } }),
};

export function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

export function unb64(text: string | undefined): string {
  return text ? Buffer.from(text, "base64").toString("utf8") : "";
}

/**
 * The range_end that covers every key starting with prefix (base64): the
 * prefix with its last byte raised by one (UTF-8 has no 0xff byte to carry
 * over); "\0", every key, for an empty prefix.
 */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, "utf8");
  const last = bytes.length - 1;
  if (last < 0) return Buffer.from([0]).toString("base64");
  bytes[last] = (bytes[last] as number) + 1;
  return bytes.toString("base64");
}

/** key (and range_end) of a range request; an empty prefix means every key. */
export function rangeOf(key: string, prefix = false): { key: string; range_end?: string } {
  if (!prefix) return { key: b64(key) };
  return {
    key: key === "" ? Buffer.from([0]).toString("base64") : b64(key),
    range_end: prefixEnd(key),
  };
}

const RESULT: Record<CompareOp, string> = {
  "==": "EQUAL",
  "!=": "NOT_EQUAL",
  ">": "GREATER",
  "<": "LESS",
};

const FIELD: Record<CompareTarget, string> = {
  Create: "create_revision",
  Mod: "mod_revision",
  Version: "version",
  Value: "value",
  Lease: "lease",
};

export function encodeCompare(c: Compare): Record<string, string> {
  const against = c.target === "Value" ? b64(String(c.against)) : String(c.against);
  return {
    key: b64(c.key),
    target: c.target.toUpperCase(),
    result: RESULT[c.op],
    [FIELD[c.target]]: against,
  };
}

export function encodeOp(o: Op): Record<string, unknown> {
  if ("get" in o) return { request_range: rangeOf(o.get.key, o.get.prefix) };
  if ("put" in o) {
    return {
      request_put: {
        key: b64(o.put.key),
        value: b64(o.put.value),
        ...(o.put.lease ? { lease: o.put.lease } : {}),
      },
    };
  }
  return { request_delete_range: rangeOf(o.delete.key, o.delete.prefix) };
}

export function encodeTxn(t: { compare: Compare[]; success: Op[]; failure?: Op[] }) {
  return {
    compare: t.compare.map(encodeCompare),
    success: t.success.map(encodeOp),
    failure: (t.failure ?? []).map(encodeOp),
  };
}

interface RawKv {
  key?: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
  version?: string;
  lease?: string;
}

interface RawRange {
  header?: { revision?: string };
  kvs?: RawKv[];
  count?: string;
}

export function decodeKv(kv: RawKv): KeyValue {
  return {
    key: unb64(kv.key),
    value: unb64(kv.value),
    createRevision: kv.create_revision ?? "0",
    modRevision: kv.mod_revision ?? "0",
    version: kv.version ?? "0",
    lease: kv.lease ?? "0",
  };
}

export function decodeRange(body: RawRange): RangeResult {
  return {
    revision: body.header?.revision ?? "0",
    kvs: (body.kvs ?? []).map(decodeKv),
    count: Number(body.count ?? 0),
  };
}

export function decodeTxn(body: {
  header?: { revision?: string };
  succeeded?: boolean;
  responses?: Array<{
    response_range?: RawRange;
    response_put?: unknown;
    response_delete_range?: { deleted?: string };
  }>;
}): TxnResult {
  return {
    succeeded: body.succeeded === true,
    revision: body.header?.revision ?? "0",
    responses: (body.responses ?? []).map((r): OpResult => {
      if (r.response_range) return { kvs: decodeRange(r.response_range).kvs };
      if (r.response_delete_range) return { deleted: Number(r.response_delete_range.deleted ?? 0) };
      return { put: true };
    }),
  };
}

export interface WatchMessage {
  revision: string;
  created: boolean;
  canceled: boolean;
  /** Set when the revision the watch asked for is compacted away: the oldest one left. */
  compactRevision?: string;
  cancelReason?: string;
  events: WatchEvent[];
}

/** One `{"result": WatchResponse}` of the watch stream. */
export function decodeWatch(result: {
  header?: { revision?: string };
  created?: boolean;
  canceled?: boolean;
  compact_revision?: string;
  cancel_reason?: string;
  events?: Array<{ type?: string; kv?: RawKv }>;
}): WatchMessage {
  return {
    revision: result.header?.revision ?? "0",
    created: result.created === true,
    canceled: result.canceled === true,
    ...(result.compact_revision && result.compact_revision !== "0"
      ? { compactRevision: result.compact_revision }
      : {}),
    ...(result.cancel_reason ? { cancelReason: result.cancel_reason } : {}),
    events: (result.events ?? []).map((e) => {
      const kv = decodeKv(e.kv ?? {});
      return {
        type: e.type === "DELETE" ? "delete" : "put",
        key: kv.key,
        value: kv.value,
        modRevision: kv.modRevision,
      };
    }),
  };
}

/**
 * etcd's words from an error answer: the gateway's `{"error","message","code"}`
 * for a call, `{"error":{"message",...}}` inside a stream.
 */
export function errorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { message?: unknown; error?: unknown };
  if (typeof b.message === "string" && b.message) return b.message;
  if (typeof b.error === "string" && b.error) return b.error;
  if (typeof b.error === "object" && b.error !== null) return errorMessage(b.error);
  return undefined;
}

/**
 * Splits a stream of concatenated JSON objects (the gateway's streaming
 * answers, one object per message) into their texts, whatever the chunking.
 */
export class JsonObjects {
  private buf = "";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;

  /** The objects completed by chunk, in order. */
  push(chunk: string): string[] {
    const out: string[] = [];
    const base = this.buf.length;
    this.buf += chunk;
    for (let i = base; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === "\\") this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === "{") {
        if (this.depth++ === 0) this.start = i;
      } else if (c === "}" && this.depth > 0 && --this.depth === 0) {
        out.push(this.buf.slice(this.start, i + 1));
        this.start = -1;
      }
    }
    // Keep only an object still open; what lies between objects (newlines) goes.
    if (this.start >= 0) {
      this.buf = this.buf.slice(this.start);
      this.start = 0;
    } else this.buf = "";
    return out;
  }
}
