import { ShoalError } from "../errors/index.js";
import { exchange, type HttpAnswer, NoAnswer } from "../host/index.js";

/** The client side `shoal up` and `shoal discovery new` use: ask a discovery server for a token. */

export class DiscoveryClientError extends ShoalError {
  override name = "DiscoveryClientError";
}

/** GET SERVER/new?size=N; returns the token URL, as `curl .../new?size=N` prints it. */
export async function newToken(serverUrl: string, size: number): Promise<string> {
  const url = `${serverUrl.replace(/\/+$/, "")}/new?size=${encodeURIComponent(String(size))}`;
  let res: HttpAnswer;
  try {
    res = await exchange(url, { timeoutMs: 10_000 });
  } catch (err) {
    const cause =
      err instanceof NoAnswer ? err.reason : err instanceof Error ? err.message : String(err);
    throw new DiscoveryClientError(`cannot reach the discovery server at ${serverUrl}: ${cause}`);
  }
  const { text } = res;
  if (res.status < 200 || res.status > 299) {
    let why = text.trim();
    try {
      const body = JSON.parse(text) as { message?: string; cause?: string };
      why = [body.message, body.cause].filter(Boolean).join(": ");
    } catch {
      // not JSON: keep the raw text
    }
    throw new DiscoveryClientError(
      `discovery server ${serverUrl} refused a new token (HTTP ${res.status}): ${why}`,
    );
  }
  return text.trim();
}
