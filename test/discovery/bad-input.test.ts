/**
 * Malformed and hostile requests: never a 5xx, never a crash, bounded
 * memory. The memory figure is measured on a real `shoal discovery serve`.
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DiscoveryServer, newToken } from "../../src/discovery/index.js";
import { serveDiscovery, waitFor } from "../e2e/harness/index.js";
import { Owner, startServer } from "./helpers.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

interface Answer {
  status: number;
  body: string;
}

/** One request on its own connection (no pooling), so a thousand can be open at once. */
function send(
  base: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, agent, headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A raw request line, for what an HTTP client library would refuse to send. */
function raw(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    let text = "";
    socket.setEncoding("utf8").on("data", (c: string) => {
      text += c;
    });
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
}

function expectJsonError(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["cause", "errorCode", "index", "message"]);
}

describe("bad input", () => {
  let server: DiscoveryServer;
  const unexpected: unknown[] = [];
  const start = async () => {
    unexpected.length = 0;
    server = await startServer(owner, { newRate: 0, onError: (err) => unexpected.push(err) });
    return server;
  };

  it("wrong methods, bad sizes, garbage paths, bad waitIndex, unknown tokens: etcd-style 4xx JSON", async () => {
    await start();
    const token = (await newToken(server.url, 3)).slice(server.url.length);
    const cases: [string, string, number, string?][] = [
      ["PATCH", `${token}/m1`, 405],
      ["POST", token, 405],
      ["PUT", `${token}/_config/size`, 405, "value=1"],
      ["DELETE", "/new", 405],
      ["POST", "/health", 405],
      ["GET", "/new?size=0", 400],
      ["GET", "/new?size=-1", 400],
      ["GET", "/new?size=65", 400],
      ["GET", "/new?size=abc", 400],
      ["GET", "/new?size=99999999999999999999999", 400],
      ["GET", "/%zz", 404],
      ["GET", "/../../etc/passwd", 404],
      ["GET", `/${"a".repeat(8000)}`, 404],
      ["GET", `${token}/a/b/c`, 404],
      ["GET", `${token}/%00`, 404],
      ["GET", `${token}?wait=true&waitIndex=x`, 400],
      ["GET", `${token}?wait=true&waitIndex=1.5`, 400],
      ["GET", `${token}?wait=true&waitIndex=18446744073709551616`, 400],
      ["GET", `/${"f".repeat(32)}`, 404],
      ["PUT", `/${"f".repeat(32)}/m1?prevExist=false`, 404, "value=x"],
      ["PUT", `${token}/m1`, 400],
      ["PUT", `${token}/m1`, 400, `value=${"v".repeat(5000)}`],
    ];
    for (const [method, path, status, form] of cases) {
      const answer = await send(
        server.url,
        method,
        path,
        form,
        form ? { "content-type": "application/x-www-form-urlencoded" } : {},
      );
      expect(answer.status, `${method} ${path.slice(0, 60)}`).toBe(status);
      expectJsonError(answer, status);
    }
    expect(unexpected).toEqual([]);
  });

  it("a body over 64 KiB gets 413, declared or streamed; the server keeps serving", async () => {
    await start();
    const token = (await newToken(server.url, 3)).slice(server.url.length);
    const huge = Buffer.alloc(1024 * 1024, "a");
    const declared = await send(server.url, "PUT", `${token}/m1`, huge, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expectJsonError(declared, 413);
    const streamed = await send(server.url, "PUT", `${token}/m1`, huge, {
      "transfer-encoding": "chunked",
    });
    expectJsonError(streamed, 413);
    const ok = await send(
      server.url,
      "PUT",
      `${token}/m1?prevExist=false`,
      "value=a%3Dhttp%3A%2F%2Fh%3A2380",
      {
        "content-type": "application/x-www-form-urlencoded",
      },
    );
    expect(ok.status).toBe(201);
    expect(unexpected).toEqual([]);
  });

  it("malformed HTTP and random requests never get a 5xx", async () => {
    await start();
    expect(await raw(server.url, "GARBAGE\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(server.url, "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")).toMatch(
      /^HTTP\/1\.1 400/,
    );
    expect(
      await raw(
        server.url,
        "GET http://elsewhere/new HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(server.url, "GET //%2F/new HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    ).toMatch(/^HTTP\/1\.1 404/);
    const token = (await newToken(server.url, 3)).slice(server.url.length);
    // A seeded generator: the same "random" requests every run.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      token,
      "_config",
      "size",
      "new",
      "health",
      "%2F",
      "..",
      "m1",
      "",
      "x".repeat(70),
      "8e9e05c5",
    ];
    const queries = [
      "",
      "?wait=true&waitIndex=1",
      "?recursive=true",
      "?wait=true&waitIndex=-",
      "?size=2",
      "?prevExist=false",
      "?waitIndex",
    ];
    const methods = ["GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS"];
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const path = `/${Array.from({ length: 1 + rnd(3) }, () => pieces[rnd(pieces.length)]).join("/")}`;
      const query = queries[rnd(queries.length)] as string;
      // Skip watches that would rightly be held for the full minute.
      if (query.startsWith("?wait=true&waitIndex=1") && path.startsWith(token)) continue;
      const method = methods[rnd(methods.length)] as string;
      const answer = await send(
        server.url,
        method,
        path + query,
        rnd(2) ? "value=a%3Dhttp%3A%2F%2Fh%3A2380" : undefined,
        {
          "content-type": "application/x-www-form-urlencoded",
        },
      );
      statuses.add(answer.status);
      expect(answer.status, `${method} ${path}${query}`).toBeLessThan(500);
    }
    expect([...statuses].some((s) => s >= 400)).toBe(true);
    expect(unexpected).toEqual([]);
  });

  it("a thousand concurrent long-polls are all held, then all woken by one registration", async () => {
    await start();
    const tokenUrl = await newToken(server.url, 3);
    const token = tokenUrl.slice(server.url.length);
    const watches = Array.from({ length: 1000 }, () =>
      send(server.url, "GET", `${token}?recursive=true&wait=true&waitIndex=2`),
    );
    await waitFor(
      async () =>
        / 1000$/m.test(
          (await send(server.url, "GET", "/metrics")).body.match(
            /^shoal_discovery_open_watches .*$/m,
          )?.[0] ?? "",
        ),
      { what: "1000 open watches", timeoutMs: 30_000 },
    );
    const put = await send(
      server.url,
      "PUT",
      `${token}/m1?prevExist=false`,
      "value=a%3Dhttp%3A%2F%2Fh%3A2380",
      {
        "content-type": "application/x-www-form-urlencoded",
      },
    );
    expect(put.status).toBe(201);
    const answers = await Promise.all(watches);
    expect(
      answers.every((a) => a.status === 200 && JSON.parse(a.body).node.createdIndex === 2),
    ).toBe(true);
    expect(unexpected).toEqual([]);
  });
});

describe("memory", () => {
  it("stays under 150 MB RSS with 10,000 tokens and 1,000 open long-polls", async () => {
    const dir = owner.tempDir();
    const { proc, url } = await serveDiscovery([
      "--listen",
      "127.0.0.1:0",
      "--store",
      `sqlite:${join(dir, "d.db")}`,
      "--new-rate",
      "0",
    ]);
    owner.defer(() => proc.kill());
    const tokens: string[] = [];
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 50 });
    owner.defer(() => keepAlive.destroy());
    for (let batch = 0; batch < 50; batch++) {
      const made = await Promise.all(
        Array.from({ length: 200 }, () =>
          send(url, "GET", "/new?size=3", undefined, {}, keepAlive),
        ),
      );
      for (const m of made) tokens.push(m.body.slice(url.length));
    }
    expect(new Set(tokens).size).toBe(10_000);
    const watches = tokens
      .slice(0, 1000)
      .map((t) =>
        send(url, "GET", `${t}?recursive=true&wait=true&waitIndex=2`).catch(() => undefined),
      );
    await waitFor(
      async () => /open_watches 1000$/m.test((await send(url, "GET", "/metrics")).body),
      {
        what: "1000 open watches",
        timeoutMs: 30_000,
      },
    );
    const status = (await import("node:fs")).readFileSync(`/proc/${proc.pid}/status`, "utf8");
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    const metrics = (await send(url, "GET", "/metrics")).body;
    expect(metrics).toMatch(/^shoal_discovery_tokens 10000$/m);
    console.log(
      `discovery server RSS with 10,000 tokens and 1,000 open long-polls: ${(rssKb / 1024).toFixed(1)} MB`,
    );
    expect(rssKb / 1024).toBeLessThan(150);
    await proc.kill();
    await Promise.all(watches);
  });
});
