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
import { join } from "node:path";
import { newToken } from "../discovery/index.js";
import { shoalArgv, stateDir } from "../host/index.js";
import { alive, type ProcessId, processId, signal, waitFor } from "./providers/index.js";
import type { DiscoverySetting } from "./spec/types.js";

/**
 * Where `shoal up` gets a discovery token: a fixed token URL as it is, a
 * fresh token from a given server, or (auto) from shoal's own discovery
 * server, started in the background on the address the machines reach the
 * host at when none runs there.
 */
export async function freshToken(
  setting: DiscoverySetting,
  size: number,
  hostAddress: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  switch (setting.kind) {
    case "token":
      return setting.url;
    case "server":
      return newToken(setting.url, size);
    case "auto":
      return newToken(await ensureLocalServer(hostAddress, env), size);
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
    return undefined;
  }
}

const LISTENING = /^discovery server listening on (\S+)\s*$/m;

/** The URL of the local discovery server on `host`, starting one when none runs. */
export async function ensureLocalServer(host: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true });
  const path = recordPath(host, env);
  const known = readRecord(path);
  if (known && alive(known)) return known.url;
  const log = join(dir, `discovery-${host}.log`);
  writeFileSync(log, "");
  const out = openSync(log, "a");
  const [file, ...args] = shoalArgv();
  const child = spawn(
    file as string,
    [
      ...args,
      "discovery",
      "serve",
      "--listen",
      `${host}:0`,
      "--store",
      `sqlite:${join(dir, `discovery-${host}.db`)}`,
      // One local user: no per-address limit on new tokens.
      "--new-rate",
      "0",
    ],
    { detached: true, stdio: ["ignore", out, out], env },
  );
  closeSync(out);
  const id = child.pid === undefined ? undefined : processId(child.pid);
  child.unref();
  let url: string | undefined;
  const up = await waitFor(() => {
    url = LISTENING.exec(readFileSync(log, "utf8"))?.[1];
    return url !== undefined || id === undefined || !alive(id);
  }, 15_000);
  if (!up || url === undefined || id === undefined) {
    if (id !== undefined) signal(id.pid, "SIGKILL");
    const tail = readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n");
    throw new Error(
      `the local discovery server did not start on ${host}${tail ? `:\n${tail}` : ""}`,
    );
  }
  writeFileSync(path, `${JSON.stringify({ ...id, url } satisfies ServerRecord)}\n`);
  return url;
}

/** Stops every local discovery server `up` started (when no cluster is left to use them). */
export async function stopLocalServers(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = stateDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^discovery-.*\.json$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const record = readRecord(join(dir, name));
    if (record && alive(record)) {
      signal(record.pid, "SIGTERM");
      if (!(await waitFor(() => !alive(record), 5_000))) {
        signal(record.pid, "SIGKILL");
      }
    }
    rmSync(join(dir, name), { force: true });
  }
}
