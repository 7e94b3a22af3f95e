import { type Agent, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { ShoalError } from "../errors/index.js";

export interface HttpAnswer {
  status: number;
  text: string;
}

/** An exchange that got no HTTP answer; `reason` says why in a few words (refused, timeout). */
export class NoAnswer extends ShoalError {
  override name = "NoAnswer";
  constructor(
    readonly url: string,
    readonly reason: string,
    cause?: unknown,
    /** Whether the request may have reached the server (its connection was up): a retry could repeat it. */
    readonly sent = false,
  ) {
    super(`${url}: ${reason}`, { cause });
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  ENOTFOUND: "host not found",
};

export interface ExchangeOptions {
  /** A body to POST as JSON. */
  body?: unknown;
  /** A body to POST as it is, its content-type in headers (instead of body). */
  text?: string;
  timeoutMs: number;
  /** A keep-alive agent (and its TLS files) to reuse connections with. */
  agent?: Agent;
  headers?: Record<string, string>;
}

/** OpenSSL's reason in Go's words (`remote error: tls: bad certificate`), not its error stack. */
function tlsReason(err: { code?: string; reason?: string }): string | undefined {
  if (!err.code?.startsWith("ERR_SSL_") || !err.reason) return undefined;
  const alert = /^(?:sslv3|tlsv1[0-9]*) alert (.+)$/.exec(err.reason);
  return alert ? `remote error: tls: ${alert[1]}` : `tls: ${err.reason}`;
}

/**
 * One HTTP(S) exchange: GET, or POST of `body` as JSON (or of `text`). node:http, not
 * fetch: undici costs a tenth of a second of CPU to load, in processes
 * (`shoal up`, fleetd) that run while a cluster forms. Any status is an
 * answer; no answer at all rejects with NoAnswer.
 */
export function exchange(url: string, opts: ExchangeOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = send(url, opts, reject, (res, fail) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", fail);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("timeout", () => req.destroy());
  });
}

/**
 * An exchange whose answer is a stream (etcd's watch, a download; GET
 * without a body): resolves with the
 * response once its headers arrive; timeoutMs bounds only the wait for
 * them. `close()` ends the exchange from our side.
 */
export function openStream(
  url: string,
  opts: ExchangeOptions,
): Promise<{ res: IncomingMessage; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = send(url, opts, reject, (res) => {
      req.setTimeout(0);
      resolve({ res, close: () => req.destroy() });
    });
    req.on("timeout", () => req.destroy());
  });
}

function send(
  url: string,
  { body, text, timeoutMs, agent, headers }: ExchangeOptions,
  reject: (err: NoAnswer) => void,
  onResponse: (res: IncomingMessage, fail: (err: NodeJS.ErrnoException) => void) => void,
) {
  const payload = text ?? (body === undefined ? undefined : JSON.stringify(body));
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  let timedOut = false;
  let connected = false;
  const fail = (err: NodeJS.ErrnoException & { reason?: string }) => {
    const reason = timedOut
      ? `no answer in ${timeoutMs} ms`
      : (REASONS[err.code ?? ""] ?? tlsReason(err) ?? err.message);
    reject(new NoAnswer(url, reason, err, connected));
  };
  const req = request(
    url,
    {
      method: payload === undefined ? "GET" : "POST",
      timeout: timeoutMs,
      ...(agent ? { agent } : {}),
      headers: {
        ...(body === undefined || text !== undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
    },
    (res) => onResponse(res, fail),
  );
  req.on("socket", (socket) => {
    // A reused keep-alive connection is up already; a new one once it connects (TLS: once secure).
    if (!socket.connecting) connected = true;
    else
      socket.once(url.startsWith("https:") ? "secureConnect" : "connect", () => {
        connected = true;
      });
  });
  req.on("timeout", () => {
    timedOut = true;
  });
  req.on("error", fail);
  req.end(payload);
  return req;
}
