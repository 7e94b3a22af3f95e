/** startDiscoveryServer: store + service + HTTP listener + GC, and a close() that stops all of them. */
import { createServer } from "node:http";
import { listenHttp } from "../host/index.js";
import { type Clock, systemClock } from "./clock.js";
import { gcInterval, startGc } from "./gc.js";
import { openStore, parseStoreSpec } from "./open-store.js";
import { createHandler } from "./routes.js";
import { DiscoveryService } from "./service.js";

export interface DiscoveryServerOptions {
  listen: { host: string; port: number };
  /**
   * An already listening socket inherited from the parent (`shoal up` binds
   * it, so the token URL is known before this process has loaded); `listen`
   * then only names the host in URLs.
   */
  listenFd?: number;
  /** Tokens to create before serving: the first token of `shoal up`'s new server. */
  tokens?: Array<{ token: string; size: number }>;
  /** "sqlite:PATH" | "etcd:URL[,URL...]" */
  store: string;
  publicUrl?: string;
  tokenTtlMs?: number;
  maxSize?: number;
  /** New tokens per minute per client address; 0 turns the limit off. */
  newRate?: number;
  /** How long a long-poll is held before its empty 200 (default 60 s). */
  holdMs?: number;
  clock?: Clock;
  /** Where unexpected (non-protocol) errors are reported. */
  onError?: (err: unknown) => void;
}

export interface DiscoveryServer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULTS = {
  port: 8087,
  tokenTtlMs: 7 * 24 * 3600 * 1000,
  maxSize: 64,
  newRate: 60,
  holdMs: 60_000,
};

function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export async function startDiscoveryServer(opts: DiscoveryServerOptions): Promise<DiscoveryServer> {
  const clock = opts.clock ?? systemClock;
  const tokenTtlMs = opts.tokenTtlMs ?? DEFAULTS.tokenTtlMs;
  // prom-client, like the store's client, is loaded by the server alone, not by token clients.
  const { createMetrics } = await import("./metrics.js");
  const store = await openStore(parseStoreSpec(opts.store), opts.onError);
  const metrics = createMetrics(() => store.stats(clock.now()));
  const http = createServer();
  let url: string;
  try {
    // Stored before listening: clients queued on an inherited socket already hold their URLs.
    const now = clock.now();
    for (const { token, size } of opts.tokens ?? []) {
      await store.createToken({ token, size, createdAt: now, expiresAt: now + tokenTtlMs });
    }
    url = await listenHttp(http, opts.listen, opts.listenFd);
  } catch (err) {
    await store.close();
    throw err;
  }
  const service = new DiscoveryService(
    store,
    clock,
    {
      publicUrl: (opts.publicUrl ?? url).replace(/\/+$/, ""),
      tokenTtlMs,
      maxSize: opts.maxSize ?? DEFAULTS.maxSize,
      newRate: opts.newRate ?? DEFAULTS.newRate,
      holdMs: opts.holdMs ?? DEFAULTS.holdMs,
    },
    {
      storeLatency: (op, seconds) => metrics.storeLatency.observe({ op }, seconds),
      watchesChanged: (open) => metrics.watches.set(open),
    },
  );
  http.on(
    "request",
    createHandler({ service, metrics, ttlText: formatDuration(tokenTtlMs), onError: opts.onError }),
  );
  // Long-polls are held for up to holdMs; Node's own request timeout must not cut them first.
  http.requestTimeout = 0;
  http.headersTimeout = 30_000;
  // etcd's Go client keeps idle connections forever; closing them after Node's default 5 s
  // races with its next request on them (a reset PUT is fatal to etcd's bootstrap).
  http.keepAliveTimeout = 65_000;
  const stopGc = startGc(store, clock, gcInterval(tokenTtlMs), opts.onError);
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        stopGc();
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await closed;
        await store.close();
      })();
      return closing;
    },
  };
}
