/** The pieces every shoal HTTP server shares: a bounded body reader and a reply writer. */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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

/**
 * Listens on `listen`, or on an inherited socket (`listenFd`, which `shoal up`
 * binds so a server's URL is known before it has loaded); resolves with the
 * URL clients use, `listen` naming its host.
 */
export async function listenHttp(
  http: Server,
  listen: { host: string; port: number },
  listenFd?: number,
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    const listening = () => {
      http.off("error", reject);
      resolve();
    };
    if (listenFd !== undefined) http.listen({ fd: listenFd }, listening);
    else http.listen(listen.port, listen.host, listening);
  });
  const wildcard = listen.host === "0.0.0.0" || listen.host === "::" || listen.host === "";
  const host = wildcard
    ? "127.0.0.1"
    : listen.host.includes(":")
      ? `[${listen.host}]`
      : listen.host;
  return `http://${host}:${(http.address() as AddressInfo).port}`;
}
