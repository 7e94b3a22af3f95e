import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
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
import { newToken } from "../discovery/index.js";
import { ShoalError } from "../errors/index.js";
import { shoalArgv, stateDir, waitFor } from "../host/index.js";
import { alive, type ProcessId, processId, signal } from "./providers/index.js";
import type { DiscoverySetting } from "./spec/types.js";

/** A discovery token URL, and when the server behind it answers. */
export interface Token {
  url: string;
  /**
   * Settles once the server serves the token: at once for a server that was
   * already running, when its ready line comes for one `up` just started
   * (rejected, with its log, should that one die first).
   */
  served: Promise<void>;
}

/**
 * Where `shoal up` gets a discovery token: a fixed token URL as it is, a
 * fresh token from a given server, or (auto) from shoal's own discovery
 * server on the address the machines reach the host at, started in the
 * background when none runs there.
 */
export async function freshToken(
  setting: DiscoverySetting,
  size: number,
  hostAddress: string,
  env: NodeJS.ProcessEnv,
): Promise<Token> {
  const served = Promise.resolve();
  switch (setting.kind) {
    case "token":
      return { url: setting.url, served };
    case "server":
      return { url: await newToken(setting.url, size), served };
    case "auto": {
      const running = runningLocalServer(hostAddress, env);
      if (running) return { url: await newToken(running, size), served };
      return startLocalServer(hostAddress, size, env);
    }
  }
}

interface ServerRecord extends ProcessId {
  url: string;
}

function recordPath(host: string, env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), `discovery-${host}.json`);
}

function readRecord(path: string): ServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ServerRecord;
  } catch {
    // No record, or one cut short by a crash: either way no server is known to run.
    return undefined;
  }
}

/** The URL of the local discovery server on `host`, when one runs. */
function runningLocalServer(host: string, env: NodeJS.ProcessEnv): string | undefined {
  const known = readRecord(recordPath(host, env));
  return known && alive(known) ? known.url : undefined;
}

const LISTENING = /^discovery server listening on (\S+)\s*$/m;

/**
 * Starts the local discovery server on `host` without waiting for it: this
 * process binds the socket and picks the first token, and the server, given
 * both, stores the token before it accepts. Members that ask before it has
 * loaded wait in the socket's backlog, so the Node start-up of the server
 * overlaps the machines' own boot instead of delaying it.
 */
async function startLocalServer(
  host: string,
  size: number,
  env: NodeJS.ProcessEnv,
): Promise<Token> {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true });
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, host, () => resolve());
  });
  const { port } = listener.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const token = randomBytes(16).toString("hex");
  const log = join(dir, `discovery-${host}.log`);
  writeFileSync(log, "");
  const out = openSync(log, "a");
  const [file, ...args] = shoalArgv();
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(
      file as string,
      [
        ...args,
        "discovery",
        "serve",
        "--listen",
        `${host}:${port}`,
        "--listen-fd",
        "3",
        "--token",
        `${token}:${size}`,
        "--store",
        `sqlite:${join(dir, `discovery-${host}.db`)}`,
        // One local user: no per-address limit on new tokens.
        "--new-rate",
        "0",
      ],
      { detached: true, stdio: ["ignore", out, out, listenerFd(listener)], env },
    );
  } finally {
    closeSync(out);
    // The child holds its own copy of the socket.
    listener.close();
  }
  const id = child.pid === undefined ? undefined : processId(child.pid);
  child.unref();
  if (id === undefined)
    throw new ShoalError(`the local discovery server could not be started on ${host}`);
  writeFileSync(
    recordPath(host, env),
    `${JSON.stringify({ ...id, url } satisfies ServerRecord)}
`,
  );
  const served = (async () => {
    const up = await waitFor(() => LISTENING.test(readFileSync(log, "utf8")) || !alive(id), {
      timeoutMs: 15_000,
    });
    if (up && alive(id)) return;
    signal(id.pid, "SIGKILL");
    const tail = readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n");
    throw new ShoalError(
      `the local discovery server did not start on ${host}${tail ? `; the end of ${log}:\n${tail}` : ""}`,
    );
  })();
  // Awaited later by `up`; until then a failure must not count as unhandled.
  served.catch(() => {});
  return { url: `${url}/${token}`, served };
}

/** The file descriptor of a listening TCP server, to hand to a child process. */
function listenerFd(listener: Server): number {
  // Node exposes no public accessor; its TCP handle has carried `fd` on Unix since v0.x.
  const fd = (listener as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new ShoalError("cannot hand the discovery socket on");
  return fd;
}

/** Stops every local discovery server `up` started (when no cluster is left to use them). */
export async function stopLocalServers(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = stateDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^discovery-.*\.json$/.test(n));
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
