/** startUpdateServer: store + base releases + service + HTTP listener, and a close() that stops them. */
import { createServer } from "node:http";
import { listenHttp } from "../../host/index.js";
import { createMetrics } from "./metrics.js";
import { ensureBaseReleases } from "./releases.js";
import { createHandler } from "./routes.js";
import { UpdateService } from "./service.js";
import { UpdateStore } from "./store.js";

export interface UpdateServerOptions {
  listen: { host: string; port: number };
  /** An inherited listening socket (`shoal up` binds it first); `listen` then only names the host. */
  listenFd?: number;
  /** The store directory (updates.db, payloads/). */
  store: string;
  /** Where machines reach the server (default: from the listen address). */
  publicUrl?: string;
  /** Sent to machines as PollInterval; unset, they keep update_engine's own schedule. */
  pollIntervalMs?: number;
  /** The base release's version: shoal's own. */
  baseVersion: string;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export interface UpdateServer {
  url: string;
  publicKey: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8088;

export async function startUpdateServer(opts: UpdateServerOptions): Promise<UpdateServer> {
  const now = opts.now ?? Date.now;
  const store = await UpdateStore.open(opts.store);
  const http = createServer();
  try {
    const { publicKey } = store.signingKey();
    await ensureBaseReleases(store, opts.baseVersion, now());
    const url = await listenHttp(http, opts.listen, opts.listenFd);
    const metrics = createMetrics(store);
    const service = new UpdateService(
      store,
      {
        publicUrl: (opts.publicUrl ?? url).replace(/\/+$/, ""),
        ...(opts.pollIntervalMs !== undefined
          ? { pollIntervalSeconds: Math.max(1, Math.round(opts.pollIntervalMs / 1000)) }
          : {}),
        now,
      },
      {
        checked: (answer) => metrics.checks.inc({ answer }),
        event: (e) => metrics.events.inc({ type: String(e.type), result: String(e.result) }),
      },
    );
    http.on("request", createHandler({ service, store, metrics, onError: opts.onError }));
    http.headersTimeout = 30_000;
    http.requestTimeout = 60_000;
    let closing: Promise<void> | undefined;
    return {
      url,
      publicKey,
      close() {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => http.close(() => resolve()));
          http.closeAllConnections();
          await closed;
          store.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    http.close();
    store.close();
    throw err;
  }
}
