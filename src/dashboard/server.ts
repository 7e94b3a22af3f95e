import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { logs } from "../cluster/index.js";
import { InputError, UsageError } from "../errors/index.js";
import {
  MACHINE_ACTIONS,
  type MachineAction,
  machineAction,
  UNIT_ACTIONS,
  type UnitAction,
  unitAction,
} from "./actions.js";
import { Live, type LiveOptions } from "./live.js";
import { openEventStream } from "./sse.js";

export interface DashboardOptions extends LiveOptions {
  dir: string;
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  /** Where the page's bundle (app.js, app.css) is. */
  assets: URL;
  /** The access token; a random one when absent. */
  token?: string;
}

export interface Dashboard {
  /** The page's address, token included. */
  url: string;
  token: string;
  close(): Promise<void>;
}

const ASSETS: Record<string, string> = {
  "/app.js": "text/javascript; charset=utf-8",
  "/app.css": "text/css; charset=utf-8",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serves the page, `GET /api/cluster`, the event stream, journals and actions, all behind the token. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const token = opts.token ?? randomBytes(24).toString("hex");
  const live = new Live(opts.dir, opts.env, opts);
  await live.start();
  const stop = new AbortController();
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => fail(res, err));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    if (!authorized(req, url, token))
      throw new HttpError(403, "a valid token is required: open the URL `shoal dashboard` printed");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const post = path.match(/^\/api\/(machines|units)\/([^/]+)\/([a-z]+)$/);
    if (post) {
      if (method !== "POST") throw new HttpError(405, `${path} takes POST`);
      return act(res, post[1] as string, decode(post[2] as string), post[3] as string);
    }
    if (method !== "GET" && method !== "HEAD") throw new HttpError(405, `${path} takes GET`);
    if (path === "/") return send(res, 200, "text/html; charset=utf-8", page(token));
    const type = ASSETS[path];
    if (type) return send(res, 200, type, await readFile(new URL(`.${path}`, opts.assets)));
    if (path === "/api/cluster") return json(res, 200, live.view);
    if (path === "/api/events") return events(res);
    if (path === "/api/journal") return journal(res, url);
    throw new HttpError(404, `no such page: ${path}`);
  }

  function events(res: ServerResponse): void {
    const stream = openEventStream(res);
    stream.send("cluster", live.view);
    const unsubscribe = live.subscribe((patch) => stream.send("patch", patch));
    stream.closed.addEventListener("abort", unsubscribe);
    stop.signal.addEventListener("abort", () => stream.close(), { once: true });
  }

  function journal(res: ServerResponse, url: URL): void {
    const machine = url.searchParams.get("machine") ?? "";
    const unit = url.searchParams.get("unit") || undefined;
    if (!live.view.machines.some((m) => m.name === machine))
      throw new HttpError(404, `no machine "${machine}" in this cluster`);
    if (unit !== undefined && !/^[\w@:.-]+$/.test(unit))
      throw new HttpError(400, `"${unit}" is not a unit name`);
    const stream = openEventStream(res);
    const done = new AbortController();
    stream.closed.addEventListener("abort", () => done.abort());
    stop.signal.addEventListener("abort", () => stream.close(), { once: true });
    let partial = "";
    const out = new Writable({
      write(chunk: Buffer | string, _enc, next) {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) stream.send("line", line);
        next();
      },
    });
    logs(opts.dir, opts.env, machine, unit, true, out, done.signal)
      .then(() => stream.send("end", "the journal ended"))
      .catch((err: unknown) => stream.send("end", err instanceof Error ? err.message : String(err)))
      .finally(() => stream.close());
  }

  async function act(
    res: ServerResponse,
    kind: string,
    name: string,
    action: string,
  ): Promise<void> {
    if (kind === "machines") {
      if (!(MACHINE_ACTIONS as readonly string[]).includes(action))
        throw new HttpError(404, `machines take ${MACHINE_ACTIONS.join(", ")}, not "${action}"`);
      if (!live.view.machines.some((m) => m.name === name))
        throw new HttpError(404, `no machine "${name}" in this cluster`);
      live.note({
        kind: "action",
        machine: name,
        text: `shoal ${action} ${name} (from the dashboard)`,
      });
      const result = await machineAction(
        action as MachineAction,
        opts.dir,
        opts.env,
        name,
        stop.signal,
      );
      void live.refresh();
      return json(res, 200, result);
    }
    if (!(UNIT_ACTIONS as readonly string[]).includes(action))
      throw new HttpError(404, `units take ${UNIT_ACTIONS.join(", ")}, not "${action}"`);
    const conn = live.fleet.connection();
    if (!conn || !live.view.fleet.reachable)
      throw new HttpError(409, "fleet is not reachable: no etcd member answers");
    if (!live.view.fleet.units.some((u) => u.name === name))
      throw new HttpError(404, `no unit "${name}" in fleet`);
    live.note({
      kind: "action",
      unit: name,
      text: `fleetctl ${action} ${name} (from the dashboard)`,
    });
    const result = await unitAction(action as UnitAction, conn.registry, name, opts.dir);
    void live.refresh();
    return json(res, result.code === 0 ? 200 : 409, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    token,
    async close() {
      stop.abort();
      live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `?token=` (the page and its event streams) or `Authorization: token …` (scripts), compared in constant time. */
function authorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = /^token\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const given = Buffer.from(url.searchParams.get("token") ?? header ?? "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `"${part}" is not a valid URL path segment`);
  }
}

/** The page itself: the bundle does the rest. No inline script, so the policy can forbid it. */
function page(token: string): string {
  const q = `?token=${token}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>shoal dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css${q}">
</head>
<body>
<div id="app"><p class="loading">Loading the cluster…</p></div>
<script type="module" src="/app.js${q}"></script>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'",
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", `${JSON.stringify(body, null, 2)}\n`);
}

function fail(res: ServerResponse, err: unknown): void {
  const status =
    err instanceof HttpError
      ? err.status
      : err instanceof UsageError || err instanceof InputError
        ? 400
        : 500;
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  json(res, status, { error: message, status });
}
