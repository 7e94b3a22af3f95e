/**
 * HTTP wiring only: read the request (bounded), parse it with protocol.ts,
 * hand it to the service, write the reply, count it. Any failure becomes an
 * etcd-style JSON error; nothing here may crash the process.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, readBody, writeReply } from "../host/index.js";
import { badRequest, DiscoveryError, ErrorCode } from "./errors.js";
import type { Metrics } from "./metrics.js";
import { parseRequest } from "./protocol.js";
import { type DiscoveryService, errorReply, type Reply } from "./service.js";

export const MAX_BODY_BYTES = 64 * 1024;

function homePage(url: string, ttl: string, maxSize: number): string {
  return `shoal discovery server: an etcd discovery service (discovery.etcd.io compatible)

  curl -s ${url}/new?size=3          make a token for a 3-member cluster; prints its URL
  etcd --discovery ${url}/TOKEN      start each member with it; they find each other
  curl -s ${url}/TOKEN               list the members registered so far
  curl -X DELETE ${url}/TOKEN/ID     remove a member (an operator's fix; watchers never see it)

Tokens are valid for ${ttl}; sizes 1..${maxSize}. Health: ${url}/health. Metrics: ${url}/metrics.
`;
}

/** Origin-form targets only; "//x" is a path here, not an authority. */
function requestUrl(target: string): URL | undefined {
  if (!target.startsWith("/")) return undefined;
  try {
    return new URL(`http://discovery.invalid${target}`);
  } catch {
    // Not a valid URL path: the caller answers 400.
    return undefined;
  }
}

function formOf(req: IncomingMessage, body: string): URLSearchParams {
  const type = req.headers["content-type"] ?? "";
  // Go's ParseForm reads the body for PUT and POST when it is a urlencoded form.
  return type.startsWith("application/x-www-form-urlencoded")
    ? new URLSearchParams(body)
    : new URLSearchParams();
}

export interface RouteOptions {
  service: DiscoveryService;
  metrics: Metrics;
  ttlText: string;
  onError?: (err: unknown) => void;
}

export function createHandler({ service, metrics, ttlText, onError }: RouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let route = "invalid";
    const done = (reply: Reply, close = false) => {
      metrics.requests.inc({ route, code: String(reply.status) });
      writeReply(res, reply, close);
    };
    try {
      const url = requestUrl(req.url ?? "/");
      if (!url)
        return done(errorReply(badRequest(ErrorCode.InvalidField, "request target is not a path")));
      let body: string;
      try {
        body = await readBody(req, MAX_BODY_BYTES);
      } catch (err) {
        if (!(err instanceof BodyTooLarge)) throw err;
        const tooLarge = new DiscoveryError(413, ErrorCode.InvalidForm, err.message);
        return done(errorReply(tooLarge), true);
      }
      const op = parseRequest(
        {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          form: formOf(req, body),
        },
        service.options,
      );
      if (op instanceof DiscoveryError) return done(errorReply(op));
      route = op.kind;
      switch (op.kind) {
        case "home":
          return done({
            status: 200,
            headers: { "content-type": "text/plain; charset=utf-8" },
            body: homePage(service.options.publicUrl, ttlText, service.options.maxSize),
          });
        case "robots":
          return done({
            status: 200,
            headers: { "content-type": "text/plain" },
            body: "User-agent: *\nDisallow: /\n",
          });
        case "metrics":
          return done({
            status: 200,
            headers: { "content-type": metrics.registry.contentType },
            body: await metrics.registry.metrics(),
          });
        case "health":
          return done(await service.health());
        case "new":
          return done(await service.newToken(op.size, req.socket.remoteAddress ?? "unknown"));
        default: {
          if (op.kind !== "watch") return done(await service.run(op));
          // A held watch needs to know when the client leaves, to stop waiting early.
          const closed = new AbortController();
          res.on("close", () => res.writableFinished || closed.abort());
          return done(await service.run(op, closed.signal));
        }
      }
    } catch (err) {
      if (err instanceof DiscoveryError) return done(errorReply(err));
      onError?.(err);
      const message = err instanceof Error ? err.message : String(err);
      // The store failed: etcd's own word for that is a raft error (5xx, which its client retries for GETs).
      return done(errorReply(new DiscoveryError(503, ErrorCode.RaftInternal, message)));
    }
  };
}
