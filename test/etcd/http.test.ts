import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findClientUrl, health, memberStatus, members } from "../../src/etcd/index.js";

/** A stand-in for what sits on etcd's port when etcd is unwell: each path answers as listed. */
let server: Server;
let base: string;
const sockets = new Set<Socket>();
const ROUTES: Record<string, (res: import("node:http").ServerResponse) => void> = {
  "/healthy/health": (res) => res.end('{"health":"true"}'),
  "/sick/health": (res) => {
    res.statusCode = 503;
    res.end('{"health":"false"}');
  },
  "/false/health": (res) => res.end('{"health":"false"}'),
  "/html/v3/cluster/member/list": (res) => res.end("<html>a proxy</html>"),
  "/silent/v3/maintenance/status": () => {}, // never answers
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = ROUTES[req.url ?? ""];
    if (route) route(res);
    else res.writeHead(404).end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: one the kernel just gave out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe("etcd probes keep the reason a member did not answer", () => {
  it("health: true, or the HTTP status, the body's word, or the refusal", async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const [ok, sick, no, gone] = await Promise.all([
      health(`${base}/healthy`),
      health(`${base}/sick`),
      health(`${base}/false`),
      health(refused),
    ]);
    expect(ok).toEqual({ value: true });
    expect(sick).toEqual({ reason: `${base}/sick/health: HTTP 503 ({"health":"false"})` });
    expect(no).toEqual({ reason: `${base}/false/health: health is "false"` });
    expect(gone).toEqual({ reason: `${refused}/health: connection refused` });
  });

  it("members: an answer that is not etcd's JSON is named, not taken as an empty cluster", async () => {
    expect(await members(`${base}/html`)).toEqual({
      reason: `${base}/html/v3/cluster/member/list: the answer is not JSON (<html>a proxy</html>)`,
    });
  });

  it("memberStatus: a member that accepts but never answers times out", async () => {
    expect(await memberStatus(`${base}/silent`)).toEqual({
      reason: `${base}/silent/v3/maintenance/status: no answer in 1000 ms`,
    });
  });

  it("findClientUrl: names each port it tried and why it got nothing", async () => {
    // 127.0.0.9: loopback, so the kernel refuses at once; nothing of ours listens there.
    expect(await findClientUrl("127.0.0.9")).toEqual({
      reason:
        "no etcd answers at http://127.0.0.9:2379 (connection refused) or http://127.0.0.9:4001 (connection refused)",
    });
  });
});
