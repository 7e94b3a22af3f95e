/**
 * The v2-keys protocol subset etcd 3.4's discovery client speaks, as pure
 * functions: a request in, an operation (or a DiscoveryError) out; store
 * results in, JSON bodies out. No I/O here; service.ts runs the operations.
 */
import { badRequest, DiscoveryError, ErrorCode, keyNotFound } from "./errors.js";

/** Bounds, documented in the README: members per token and value size. */
export const MAX_VALUE_BYTES = 4096;
/** The first `size` registrants win; more only happen in races, so twice the size (plus slack) is plenty. */
export const memberLimit = (size: number) => 2 * size + 8;
export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;
/** etcd member IDs are hex; other clients may use names. `_` is reserved for hidden keys. */
const MEMBER_PATTERN = /^[A-Za-z0-9.-][A-Za-z0-9._-]{0,63}$/;
/** etcd's keys API takes the index as a uint64; JavaScript numbers are exact to 2^53. */
const INDEX_PATTERN = /^\d{1,15}$/;

export interface ProtocolRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The parsed application/x-www-form-urlencoded body, empty otherwise. */
  form: URLSearchParams;
}

export type Operation =
  | { kind: "home" | "health" | "metrics" | "robots" }
  | { kind: "new"; size: number }
  | { kind: "getSize"; token: string }
  | { kind: "list"; token: string }
  | { kind: "getMember"; token: string; member: string }
  | { kind: "watch"; token: string; member?: string; recursive: boolean; waitIndex: number }
  | { kind: "put"; token: string; member: string; value: string }
  | { kind: "deleteMember"; token: string; member: string }
  | { kind: "deleteToken"; token: string };

export interface Limits {
  maxSize: number;
}

function methodNotAllowed(method: string, allowed: string[], path: string): DiscoveryError {
  return new DiscoveryError(
    405,
    ErrorCode.InvalidField,
    `method ${method} not allowed on ${path}`,
    0,
    {
      allow: allowed.join(", "),
    },
  );
}

/** Form values win over the query, as Go's Request.FormValue does for PUT bodies. */
function field(req: ProtocolRequest, name: string): string | null {
  return req.form.get(name) ?? req.query.get(name);
}

export function parseSize(raw: string | null, limits: Limits): number | DiscoveryError {
  if (raw === null || raw === "") return 3;
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    return badRequest(ErrorCode.InvalidField, `size: "${raw}" is not an integer`);
  }
  const size = Number(raw.trim());
  if (size < 1) return badRequest(ErrorCode.InvalidField, `size: must be at least 1, got ${size}`);
  if (size > limits.maxSize) {
    return badRequest(
      ErrorCode.InvalidField,
      `size: must be at most ${limits.maxSize}, got ${size}`,
    );
  }
  return size;
}

export function parseRequest(req: ProtocolRequest, limits: Limits): Operation | DiscoveryError {
  const segments = req.path.split("/").filter((s) => s !== "");
  const [first, ...rest] = segments;
  const method = req.method;
  if (first === undefined) return { kind: "home" };
  if (rest.length === 0 && ["new", "health", "metrics", "robots.txt"].includes(first)) {
    if (first === "new") {
      if (method !== "GET" && method !== "POST" && method !== "PUT") {
        return methodNotAllowed(method, ["GET", "POST", "PUT"], req.path);
      }
      const size = parseSize(field(req, "size"), limits);
      return typeof size === "number" ? { kind: "new", size } : size;
    }
    if (method !== "GET" && method !== "HEAD") return methodNotAllowed(method, ["GET"], req.path);
    return { kind: first === "robots.txt" ? "robots" : (first as "health" | "metrics") };
  }
  if (!TOKEN_PATTERN.test(first)) return keyNotFound(`/${segments.join("/")}`);
  const token = first;
  const key = `/${segments.join("/")}`;

  const wait = req.query.get("wait") === "true";
  let waitIndex = 0;
  if (wait) {
    const raw = req.query.get("waitIndex");
    if (raw !== null && raw !== "") {
      if (!INDEX_PATTERN.test(raw)) return badRequest(ErrorCode.IndexNaN, `waitIndex: "${raw}"`);
      waitIndex = Number(raw);
    }
  }
  const recursive = req.query.get("recursive") === "true";

  if (rest.length === 0) {
    if (method === "GET") {
      return wait ? { kind: "watch", token, recursive, waitIndex } : { kind: "list", token };
    }
    if (method === "DELETE") return { kind: "deleteToken", token };
    return methodNotAllowed(method, ["GET", "DELETE"], key);
  }
  if (rest.length === 2 && rest[0] === "_config" && rest[1] === "size") {
    if (method !== "GET") return methodNotAllowed(method, ["GET"], key);
    // Nothing ever changes the size, so a watch on it only ever times out.
    return wait
      ? { kind: "watch", token, member: "_config/size", recursive: false, waitIndex }
      : { kind: "getSize", token };
  }
  const member = rest[0] as string;
  if (rest.length !== 1 || !MEMBER_PATTERN.test(member)) return keyNotFound(key);
  switch (method) {
    case "GET":
      return wait
        ? { kind: "watch", token, member, recursive, waitIndex }
        : { kind: "getMember", token, member };
    case "PUT": {
      if (field(req, "prevExist") === "true") {
        // An update would have to stay invisible to watches; etcd's client never sends one.
        return badRequest(
          ErrorCode.InvalidField,
          "prevExist=true: members cannot be updated; DELETE the member, then PUT it",
        );
      }
      if (field(req, "dir") === "true")
        return badRequest(ErrorCode.InvalidField, "dir=true: members are plain keys");
      const value = field(req, "value");
      if (value === null || value === "") return badRequest(ErrorCode.ValueRequired, key);
      if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
        return badRequest(ErrorCode.InvalidField, `value: longer than ${MAX_VALUE_BYTES} bytes`);
      }
      return { kind: "put", token, member, value };
    }
    case "DELETE":
      return { kind: "deleteMember", token, member };
    default:
      return methodNotAllowed(method, ["GET", "PUT", "DELETE"], key);
  }
}

/** A member key as the v2 keys API shows it. */
export interface MemberNode {
  name: string;
  value: string;
  createdIndex: number;
  modifiedIndex: number;
}

/** A registration in a token's history; the only kind of event watchers see. */
export interface MemberEvent extends MemberNode {
  token: string;
}

export interface TokenInfo {
  token: string;
  size: number;
  /** The token's own index: 1 after creation (the size key), +1 per write. */
  index: number;
  createdAt: number;
  expiresAt: number;
}

/** The size key takes index 1, so the first member's createdIndex is 2 (etcd's client needs >= 2). */
export const SIZE_INDEX = 1;

const nodeJson = (token: string, n: MemberNode) => ({
  key: `/${token}/${n.name}`,
  value: n.value,
  modifiedIndex: n.modifiedIndex,
  createdIndex: n.createdIndex,
});

export function sizeBody(info: TokenInfo): object {
  return {
    action: "get",
    node: {
      key: `/${info.token}/_config/size`,
      value: String(info.size),
      modifiedIndex: SIZE_INDEX,
      createdIndex: SIZE_INDEX,
    },
  };
}

/** Members sorted by createdIndex: the client takes the first `size` of them. */
export function listBody(info: TokenInfo, members: readonly MemberNode[]): object {
  const nodes = [...members].sort((a, b) => a.createdIndex - b.createdIndex);
  return {
    action: "get",
    node: {
      key: `/${info.token}`,
      dir: true,
      nodes: nodes.map((n) => nodeJson(info.token, n)),
      modifiedIndex: SIZE_INDEX,
      createdIndex: SIZE_INDEX,
    },
  };
}

export const memberBody = (action: "get" | "create", token: string, n: MemberNode) => ({
  action,
  node: nodeJson(token, n),
});

export function deleteMemberBody(token: string, prev: MemberNode, index: number): object {
  return {
    action: "delete",
    node: { key: `/${token}/${prev.name}`, modifiedIndex: index, createdIndex: prev.createdIndex },
    prevNode: nodeJson(token, prev),
  };
}

export function deleteTokenBody(info: TokenInfo, index: number): object {
  return {
    action: "delete",
    node: { key: `/${info.token}`, dir: true, modifiedIndex: index, createdIndex: SIZE_INDEX },
  };
}

/** Which events a watch accepts: one member key, or (recursive) any member of the token. */
export function watchMatches(
  op: { member?: string; recursive: boolean },
  event: MemberNode,
  fromIndex: number,
): boolean {
  if (event.modifiedIndex < fromIndex) return false;
  if (op.member === undefined) return op.recursive;
  return event.name === op.member;
}

/** waitIndex 0 (or absent) means "the next change", as in etcd. */
export const watchStart = (waitIndex: number, currentIndex: number) =>
  waitIndex > 0 ? waitIndex : currentIndex + 1;

export function isExpired(info: TokenInfo, now: number): boolean {
  return info.expiresAt <= now;
}
