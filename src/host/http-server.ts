/** The pieces every shoal HTTP server shares: a bounded body reader and a reply writer. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ShoalError } from "../errors/index.js";

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class BodyTooLarge extends ShoalError {
  override name = "BodyTooLarge";
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** The request body as text, or BodyTooLarge as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (!chunked && Number(req.headers["content-length"] ?? 0) === 0) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) return reject(new BodyTooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        reject(new BodyTooLarge(limit));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Writes `reply` unless the response is already gone; `close` ends the connection after it. */
export function writeReply(res: ServerResponse, reply: Reply, close = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, {
    ...reply.headers,
    "content-length": Buffer.byteLength(reply.body),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(reply.body);
}
