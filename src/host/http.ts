import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One HTTP(S) exchange: GET, or POST of `body` as JSON. node:http, not
 * fetch: undici costs a tenth of a second of CPU to load, in processes
 * (`shoal up`, fleetd) that run while a cluster forms.
 */
export function exchange(
  url: string,
  { body, timeoutMs }: { body?: unknown; timeoutMs: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
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
        res.on("error", reject);
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}
