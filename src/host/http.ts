import { request as httpRequest } from "node:http";
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

/**
 * One HTTP(S) exchange: GET, or POST of `body` as JSON. node:http, not
 * fetch: undici costs a tenth of a second of CPU to load, in processes
 * (`shoal up`, fleetd) that run while a cluster forms. Any status is an
 * answer; no answer at all rejects with NoAnswer.
 */
export function exchange(
  url: string,
  { body, timeoutMs }: { body?: unknown; timeoutMs: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    let timedOut = false;
    const fail = (err: NodeJS.ErrnoException) => {
      const reason = timedOut
        ? `no answer in ${timeoutMs} ms`
        : (REASONS[err.code ?? ""] ?? err.message);
      reject(new NoAnswer(url, reason, err));
    };
    const req = request(
      url,
      {
        method: payload === undefined ? "GET" : "POST",
        timeout: timeoutMs,
        ...(payload === undefined ? {} : { headers: { "content-type": "application/json" } }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () => {
      timedOut = true;
      req.destroy();
    });
    req.on("error", fail);
    req.end(payload);
  });
}
