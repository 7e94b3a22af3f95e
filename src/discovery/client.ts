/** The client side `shoal up` and `shoal discovery new` use: ask a discovery server for a token. */

export class DiscoveryClientError extends Error {
  override name = "DiscoveryClientError";
}

/** GET SERVER/new?size=N; returns the token URL, as `curl .../new?size=N` prints it. */
export async function newToken(serverUrl: string, size: number): Promise<string> {
  const url = `${serverUrl.replace(/\/+$/, "")}/new?size=${encodeURIComponent(String(size))}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause =
      err instanceof Error
        ? err.cause instanceof Error
          ? err.cause.message
          : err.message
        : String(err);
    throw new DiscoveryClientError(`cannot reach the discovery server at ${serverUrl}: ${cause}`);
  }
  const text = await res.text();
  if (!res.ok) {
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
