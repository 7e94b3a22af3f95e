/**
 * HTTP wiring only: POST /v1/update/ (Omaha), GET /v1/payloads/FILE, GET
 * /v1/key (the public key machines verify with), /health, /metrics. Bodies
 * are bounded; a bad request is a 400 with its reason; nothing here may
 * crash the process.
 */
import { createReadStream, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { BodyTooLarge, readBody, writeReply } from "../../host/index.js";
import type { Metrics } from "./metrics.js";
import { badRequest, type Reply, type UpdateService } from "./service.js";
import type { UpdateStore } from "./store.js";

export const MAX_BODY_BYTES = 64 * 1024;

const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  body,
});

const PAYLOAD = /^\/v1\/payloads\/([0-9a-f]{64}\.tar\.gz)$/;

export interface RouteOptions {
  service: UpdateService;
  store: UpdateStore;
  metrics: Metrics;
  onError?: (err: unknown) => void;
}

export function createHandler({ service, store, metrics, onError }: RouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let route = "invalid";
    const done = (reply: Reply, close = false) => {
      metrics.requests.inc({ route, code: String(reply.status) });
      writeReply(res, reply, close);
    };
    try {
      const path = (req.url ?? "/").split("?")[0] as string;
      const method = req.method ?? "GET";
      if (path === "/v1/update/" || path === "/v1/update") {
        route = "update";
        if (method !== "POST") return done(text(405, "use POST\n", { allow: "POST" }));
        let body: string;
        try {
          body = await readBody(req, MAX_BODY_BYTES);
        } catch (err) {
          if (!(err instanceof BodyTooLarge)) throw err;
          return done(badRequest(`body larger than ${MAX_BODY_BYTES} bytes`), true);
        }
        return done(service.omaha(body));
      }
      if (method !== "GET" && method !== "HEAD")
        return done(text(405, "use GET\n", { allow: "GET, HEAD" }));
      const payload = PAYLOAD.exec(path);
      if (payload) {
        route = "payload";
        const file = payload[1] as string;
        if (!store.releaseByFile(file)) return done(text(404, `no payload ${file}\n`));
        const full = join(store.payloadDir, file);
        const size = statSync(full, { throwIfNoEntry: false })?.size;
        if (size === undefined)
          return done(text(404, `payload ${file} is missing from the store\n`));
        metrics.requests.inc({ route, code: "200" });
        res.writeHead(200, { "content-type": "application/gzip", "content-length": size });
        if (method === "HEAD") return void res.end();
        createReadStream(full)
          .on("error", (err) => {
            onError?.(err);
            res.destroy();
          })
          .pipe(res);
        return;
      }
      switch (path) {
        case "/v1/key":
          route = "key";
          return done(
            text(200, store.signingKey().publicKey, { "content-type": "application/x-pem-file" }),
          );
        case "/health":
          route = "health";
          store.channel("stable");
          return done({
            status: 200,
            headers: { "content-type": "application/json" },
            body: '{"health":"true"}',
          });
        case "/metrics":
          route = "metrics";
          return done(
            text(200, await metrics.registry.metrics(), {
              "content-type": metrics.registry.contentType,
            }),
          );
        default:
          return done(text(404, `no route ${path}\n`));
      }
    } catch (err) {
      // A store failure (disk full, locked): unexpected, reported, and never allowed to crash us.
      onError?.(err);
      return done(
        text(503, `update server error: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    }
  };
}
