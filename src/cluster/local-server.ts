/**
 * The host servers `shoal up` starts in the background (discovery, updates):
 * each bound by `up` itself and handed to a detached `shoal ... serve`, so
 * the server's Node start overlaps the machines' boot; a record per server
 * (pid, start time, URL) in the state directory, and a stop once no cluster
 * is left to use them.
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { join } from "node:path";
import { ShoalError } from "../errors/index.js";
import { shoalArgv, stateDir, waitFor } from "../host/index.js";
import { alive, type ProcessId, processId, signal } from "./providers/index.js";

/** Which server: the name of its records and logs in the state directory. */
export type LocalServerKind = "discovery" | "updates";

interface ServerRecord extends ProcessId {
  url: string;
}

function recordPath(kind: LocalServerKind, host: string, env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), `${kind}-${host}.json`);
}

function readRecord(path: string): ServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ServerRecord;
  } catch {
    // No record, or one cut short by a crash: either way no server is known to run.
    return undefined;
  }
}

/** The URL of the local `kind` server on `host`, when one runs. */
export function runningLocalServer(
  kind: LocalServerKind,
  host: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const known = readRecord(recordPath(kind, host, env));
  return known && alive(known) ? known.url : undefined;
}

/** A listening socket on host:port; port 0 picks a free one. */
export async function bindLocal(
  host: string,
  port: number,
): Promise<{ listener: Server; url: string }> {
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, host, () => resolve());
  });
  const bound = (listener.address() as AddressInfo).port;
  return { listener, url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}` };
}

/**
 * Starts `shoal ...serveArgs` detached on `listener` (its fd 3), records it,
 * and closes this process's copy of the socket. Returns at once; the
 * promise it returns settles when the server printed `ready` (rejected,
 * with its log's end, should it die first).
 */
export function startLocalServer(
  kind: LocalServerKind,
  host: string,
  bound: { listener: Server; url: string },
  serveArgs: string[],
  env: NodeJS.ProcessEnv,
  /** The server's ready line; without one nobody waits for it and this resolves at once. */
  ready?: RegExp,
): Promise<void> {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `${kind}-${host}.log`);
  writeFileSync(log, "");
  const out = openSync(log, "a");
  const [file, ...args] = shoalArgv();
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(file as string, [...args, ...serveArgs, "--listen-fd", "3"], {
      detached: true,
      stdio: ["ignore", out, out, listenerFd(bound.listener)],
      env,
    });
  } finally {
    closeSync(out);
    // The child holds its own copy of the socket.
    bound.listener.close();
  }
  const id = child.pid === undefined ? undefined : processId(child.pid);
  child.unref();

  if (id === undefined)
    throw new ShoalError(`the local ${kind} server could not be started on ${host}`);
  const record: ServerRecord = { ...id, url: bound.url };
  writeFileSync(recordPath(kind, host, env), `${JSON.stringify(record)}\n`);
  if (!ready) return Promise.resolve();
  const served = (async () => {
    const up = await waitFor(() => ready.test(readFileSync(log, "utf8")) || !alive(id), {
      timeoutMs: 15_000,
    });
    if (up && alive(id)) return;
    signal(id.pid, "SIGKILL");
    const tail = readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n");
    throw new ShoalError(
      `the local ${kind} server did not start on ${host}${tail ? `; the end of ${log}:\n${tail}` : ""}`,
    );
  })();
  // Awaited later by `up`; until then a failure must not count as unhandled.
  served.catch(() => {});
  return served;
}

/** The file descriptor of a listening TCP server, to hand to a child process. */
function listenerFd(listener: Server): number {
  // Node exposes no public accessor; its TCP handle has carried `fd` on Unix since v0.x.
  const fd = (listener as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new ShoalError("cannot hand the server's socket on");
  return fd;
}

/** Stops every local server `up` started (when no cluster is left to use them). */
export async function stopLocalServers(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = stateDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^(discovery|updates)-.*\.json$/.test(n));
  } catch {
    // No state directory: no server was ever started from it.
    return;
  }
  for (const name of names) {
    const record = readRecord(join(dir, name));
    if (record && alive(record)) {
      signal(record.pid, "SIGTERM");
      if (!(await waitFor(() => !alive(record), { timeoutMs: 5_000 }))) {
        signal(record.pid, "SIGKILL");
      }
    }
    rmSync(join(dir, name), { force: true });
  }
}
