/**
 * The update engine's HTTP (node:http, not fetch): its Omaha POST and its
 * payload downloads against a real local server, redirects, errors and
 * an answer longer than announced.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttp } from "../../src/update/index.js";

let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), "shoal-update-http-"));
const PAYLOAD = "x".repeat(100_000);

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/omaha") {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => res.end(`${req.method} ${req.headers["content-type"]} ${body}`));
    } else if (path === "/payload") res.end(PAYLOAD);
    else if (path.startsWith("/hop/")) {
      const n = Number(path.slice(5));
      res.writeHead(302, { location: n > 1 ? `/hop/${n - 1}` : "/payload" }).end();
    } else if (path === "/loop") res.writeHead(307, { location: "/loop" }).end();
    else res.writeHead(404).end("no such thing");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("the update engine's HTTP", () => {
  it("POSTs the request as text/xml and returns the status and answer", async () => {
    expect(await nodeHttp.post(`${base}/omaha`, "<request/>")).toEqual({
      status: 200,
      body: "POST text/xml <request/>",
    });
  });

  it("downloads a payload through redirects, reporting progress", async () => {
    const file = join(dir, "hops");
    let last = 0;
    const bytes = await nodeHttp.download(`${base}/hop/3`, file, PAYLOAD.length, (b) => {
      last = b;
    });
    expect(bytes).toBe(PAYLOAD.length);
    expect(last).toBe(PAYLOAD.length);
    expect(readFileSync(file, "utf8")).toBe(PAYLOAD);
  });

  it("refuses a redirect loop, an HTTP error and more bytes than announced", async () => {
    await expect(
      nodeHttp.download(`${base}/loop`, join(dir, "loop"), 10, () => {}),
    ).rejects.toThrow("more than 5 redirects");
    await expect(
      nodeHttp.download(`${base}/gone`, join(dir, "gone"), 10, () => {}),
    ).rejects.toThrow(`GET ${base}/gone: HTTP 404`);
    await expect(
      nodeHttp.download(`${base}/payload`, join(dir, "big"), 1000, () => {}),
    ).rejects.toThrow("more than the 1000 bytes announced");
  });

  it("says why when nothing answers", async () => {
    await expect(nodeHttp.post("http://127.0.0.1:1/omaha", "<request/>")).rejects.toThrow(
      "connection refused",
    );
  });
});
