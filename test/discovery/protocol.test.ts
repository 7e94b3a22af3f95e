import { describe, expect, it } from "vitest";
import { DiscoveryError } from "../../src/discovery/errors.js";
import {
  type ProtocolRequest,
  parseRequest,
  watchMatches,
  watchStart,
} from "../../src/discovery/protocol.js";

const T = "0123456789abcdef0123456789abcdef";
const limits = { maxSize: 9 };

function req(method: string, target: string, form = ""): ProtocolRequest {
  const url = new URL(target, "http://x");
  return { method, path: url.pathname, query: url.searchParams, form: new URLSearchParams(form) };
}
const parse = (method: string, target: string, form = "") =>
  parseRequest(req(method, target, form), limits);
function err(method: string, target: string, form = "") {
  const r = parse(method, target, form);
  if (!(r instanceof DiscoveryError))
    throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return { status: r.status, ...r.toJSON() };
}

describe("parseRequest", () => {
  it("reads the requests etcd 3.4's discovery client sends", () => {
    expect(parse("GET", `/${T}/_config/size?quorum=false&recursive=false&sorted=false`)).toEqual({
      kind: "getSize",
      token: T,
    });
    expect(parse("GET", `/${T}?quorum=false&recursive=false&sorted=false`)).toEqual({
      kind: "list",
      token: T,
    });
    expect(
      parse(
        "PUT",
        `/${T}/8e9e05c52164694d?prevExist=false`,
        "value=infra1%3Dhttp%3A%2F%2F10.0.0.1%3A2380",
      ),
    ).toEqual({
      kind: "put",
      token: T,
      member: "8e9e05c52164694d",
      value: "infra1=http://10.0.0.1:2380",
    });
    expect(parse("GET", `/${T}/8e9e05c52164694d?recursive=false&wait=true&waitIndex=2`)).toEqual({
      kind: "watch",
      token: T,
      member: "8e9e05c52164694d",
      recursive: false,
      waitIndex: 2,
    });
    expect(parse("GET", `/${T}?recursive=true&wait=true&waitIndex=5`)).toEqual({
      kind: "watch",
      token: T,
      recursive: true,
      waitIndex: 5,
    });
    expect(parse("GET", `/${T}/?wait=true`)).toMatchObject({ kind: "watch", waitIndex: 0 });
  });

  it("reads /new sizes from the query or the form, default 3, within 1..max", () => {
    expect(parse("GET", "/new")).toEqual({ kind: "new", size: 3 });
    expect(parse("GET", "/new?size=5")).toEqual({ kind: "new", size: 5 });
    expect(parse("POST", "/new", "size=7")).toEqual({ kind: "new", size: 7 });
    expect(err("GET", "/new?size=0")).toMatchObject({
      status: 400,
      errorCode: 209,
      cause: "size: must be at least 1, got 0",
    });
    expect(err("GET", "/new?size=-3")).toMatchObject({
      status: 400,
      cause: "size: must be at least 1, got -3",
    });
    expect(err("GET", "/new?size=10")).toMatchObject({
      status: 400,
      cause: "size: must be at most 9, got 10",
    });
    expect(err("GET", "/new?size=three")).toMatchObject({
      status: 400,
      cause: 'size: "three" is not an integer',
    });
    expect(err("GET", "/new?size=1e3")).toMatchObject({ status: 400 });
    expect(err("DELETE", "/new")).toMatchObject({ status: 405 });
  });

  it("answers garbage paths, bad methods, bad indexes and bad values with etcd-style errors", () => {
    expect(err("GET", "/nope")).toMatchObject({ status: 404, errorCode: 100, cause: "/nope" });
    expect(err("GET", `/${T.toUpperCase()}`)).toMatchObject({ status: 404, errorCode: 100 });
    expect(err("GET", `/${T}/a/b`)).toMatchObject({
      status: 404,
      errorCode: 100,
      cause: `/${T}/a/b`,
    });
    expect(err("PUT", `/${T}/_hidden`, "value=x")).toMatchObject({ status: 404 });
    expect(err("PUT", `/${T}/_config/size`, "value=9")).toMatchObject({ status: 405 });
    expect(err("POST", `/${T}/m1`, "value=x")).toMatchObject({ status: 405 });
    expect(err("PUT", `/${T}`, "value=x")).toMatchObject({ status: 405 });
    expect(err("GET", `/${T}?wait=true&waitIndex=abc`)).toMatchObject({
      status: 400,
      errorCode: 203,
    });
    expect(err("GET", `/${T}?wait=true&waitIndex=-1`)).toMatchObject({
      status: 400,
      errorCode: 203,
    });
    expect(err("GET", `/${T}?wait=true&waitIndex=99999999999999999999`)).toMatchObject({
      status: 400,
      errorCode: 203,
    });
    expect(err("PUT", `/${T}/m1?prevExist=false`)).toMatchObject({ status: 400, errorCode: 200 });
    expect(err("PUT", `/${T}/m1?prevExist=true`, "value=x")).toMatchObject({
      status: 400,
      errorCode: 209,
    });
    expect(err("PUT", `/${T}/m1`, `value=${"x".repeat(4097)}`)).toMatchObject({
      status: 400,
      cause: "value: longer than 4096 bytes",
    });
    expect(parse("PUT", `/${T}/m1`, `value=${"x".repeat(4096)}`)).toMatchObject({ kind: "put" });
  });

  it("routes the service's own pages", () => {
    expect(parse("GET", "/")).toEqual({ kind: "home" });
    expect(parse("GET", "/health")).toEqual({ kind: "health" });
    expect(parse("GET", "/metrics")).toEqual({ kind: "metrics" });
    expect(parse("GET", "/robots.txt")).toEqual({ kind: "robots" });
    expect(parse("DELETE", `/${T}`)).toEqual({ kind: "deleteToken", token: T });
    expect(parse("DELETE", `/${T}/m1`)).toEqual({ kind: "deleteMember", token: T, member: "m1" });
  });
});

describe("watch rules", () => {
  const ev = (name: string, index: number) => ({
    name,
    value: "v",
    createdIndex: index,
    modifiedIndex: index,
  });
  it("waitIndex 0 means the next change; otherwise from waitIndex on", () => {
    expect(watchStart(0, 4)).toBe(5);
    expect(watchStart(2, 4)).toBe(2);
  });
  it("a recursive token watch takes any member; a key watch only its key; a plain directory watch nothing", () => {
    expect(watchMatches({ recursive: true }, ev("a", 3), 3)).toBe(true);
    expect(watchMatches({ recursive: true }, ev("a", 2), 3)).toBe(false);
    expect(watchMatches({ member: "a", recursive: false }, ev("a", 3), 2)).toBe(true);
    expect(watchMatches({ member: "a", recursive: false }, ev("b", 3), 2)).toBe(false);
    expect(watchMatches({ recursive: false }, ev("a", 3), 2)).toBe(false);
  });
});
