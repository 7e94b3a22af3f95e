import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stateDir } from "../host/index.js";
import { machinePaths } from "../machine/index.js";
import { bindLocal, runningLocalServer, startLocalServer } from "./local-server.js";

/** `shoal updates serve`'s own default port, tried first so the URL survives a restart. */
const PREFERRED_PORT = 8088;

/** The local update server machines check with. */
export interface LocalUpdates {
  /** Its Omaha URL, for SERVER= in the machines' update.conf. */
  url: string;
  /**
   * Its release key (SPKI PEM), for the machines' config drives: read (or
   * made) while the machines boot, since the store's code and SQLite are
   * not free and a machine needs the key only at its first check.
   */
  publicKey: Promise<string>;
  /**
   * Starts the server on the bound socket when none ran (nothing when one
   * runs; the same start when called again); settles once it serves,
   * rejected with its log's end should it die or stay silent first.
   */
  start(): Promise<void>;
}

/**
 * shoal's own update server on the address machines reach the host at, on
 * the default store (the one `shoal updates publish` uses). The key comes
 * from the store itself, and a server that has to be started is bound now
 * (its URL is known) but started by `start()` once the machines are
 * started, so its Node start overlaps the wait for etcd rather than
 * adding to `up` (bench/up, process provider, busy host: median 1322 ms
 * when it came after the wait, 780 ms overlapped, 647 ms not waited for).
 */
export async function localUpdateServer(
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<LocalUpdates> {
  const store = join(stateDir(env), "updates");
  const publicKey = storeKey(store);
  // Awaited by the step after the boot; a failure must not count as unhandled meanwhile.
  publicKey.catch(() => {});
  const running = runningLocalServer("updates", host, env);
  if (running) return { url: `${running}/v1/update/`, publicKey, start: async () => {} };
  const bound = await bindLocal(host, PREFERRED_PORT).catch(() => bindLocal(host, 0));
  const args = ["updates", "serve", "--listen", `${host}:${new URL(bound.url).port}`];
  let started: Promise<void> | undefined;
  return {
    url: `${bound.url}/v1/update/`,
    publicKey,
    start() {
      started ??= startLocalServer(
        "updates",
        host,
        bound,
        [...args, "--store", store],
        env,
        /^update server listening on (\S+)\s*$/m,
      );
      return started;
    },
  };
}

/** The store's release key, made on first use as the server would. */
async function storeKey(dir: string): Promise<string> {
  const { UpdateStore } = await import("../update/index.js");
  const store = await UpdateStore.open(dir);
  try {
    return store.signingKey().publicKey;
  } finally {
    store.close();
  }
}

/** Puts the update server's release key on a machine's config drive. */
export function writeUpdateKey(machineDir: string, publicKey: string): void {
  const file = machinePaths(machineDir).updateKey;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, publicKey);
}
