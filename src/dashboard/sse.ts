import type { ServerResponse } from "node:http";

const KEEPALIVE_MS = 15_000;

/** A server-sent event stream on res; close() ends it, and it ends itself when the client goes. */
export interface EventStream {
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: AbortSignal;
}

export function openEventStream(res: ServerResponse): EventStream {
  const gone = new AbortController();
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
  });
  // A comment line every few seconds keeps proxies and idle timers from closing the stream.
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  const end = () => {
    clearInterval(keepalive);
    gone.abort();
  };
  res.on("close", end);
  return {
    send(event, data) {
      if (gone.signal.aborted) return;
      const text = typeof data === "string" ? data : JSON.stringify(data);
      const lines = text.split("\n").map((l) => `data: ${l}`);
      res.write(`event: ${event}\n${lines.join("\n")}\n\n`);
    },
    close() {
      end();
      res.end();
    },
    closed: gone.signal,
  };
}
