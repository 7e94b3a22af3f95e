import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
   * Each channel's current release where one was published (the base
   * release is left out: a machine makes that itself), with its payload.
   * Without a store nothing was ever published, and SQLite is not loaded.
   */
  releases(): Promise<Map<string, { version: string; payload: string }>>;
  /** Its release key (SPKI PEM), for the machines' config drives: read from the store, or made with it. */
  publicKey(): Promise<string>;
  /**
   * Starts the server on the bound socket when none ran (nothing when one
   * runs). With `wait`, settles once it serves, rejected with its log's end
   * should it die or stay silent first; without, at once.
   */
  start(options: { wait: boolean }): Promise<void>;
}

/**
 * shoal's own update server on the address machines reach the host at, on
 * the default store (the one `shoal updates publish` uses). A server that
 * has to be started is bound now (its URL is known) and started by
 * `start()` once the machines are up: its Node start and the store's
 * SQLite would otherwise take the cores the booting agents need, and a
 * machine's first update check comes minutes after its boot, to a socket
 * that already queues connections.
 */
export async function localUpdateServer(
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<LocalUpdates> {
  const store = join(stateDir(env), "updates");
  let read: ReturnType<typeof readStore> | undefined;
  const contents = () => {
    read ??= readStore(store);
    return read;
  };
  const local = {
    releases: async () =>
      existsSync(join(store, "updates.db")) ? (await contents()).releases : new Map(),
    publicKey: async () => (await contents()).publicKey,
  };
  const running = runningLocalServer("updates", host, env);
  if (running) return { url: `${running}/v1/update/`, ...local, start: async () => {} };
  const bound = await bindLocal(host, PREFERRED_PORT).catch(() => bindLocal(host, 0));
  const args = ["updates", "serve", "--listen", `${host}:${new URL(bound.url).port}`];
  return {
    url: `${bound.url}/v1/update/`,
    ...local,
    start({ wait }) {
      return startLocalServer(
        "updates",
        host,
        bound,
        [...args, "--store", store],
        env,
        wait ? /^update server listening on (\S+)\s*$/m : undefined,
      );
    },
  };
}

/** The store's release key (made on first use, as the server would) and its published releases. */
async function readStore(dir: string): Promise<{
  publicKey: string;
  releases: Map<string, { version: string; payload: string }>;
}> {
  const { CHANNELS, UpdateStore } = await import("../update/store.js");
  const store = await UpdateStore.open(dir);
  try {
    const releases = new Map<string, { version: string; payload: string }>();
    for (const name of CHANNELS) {
      const r = store.channel(name)?.release;
      if (r && !r.base)
        releases.set(name, { version: r.version, payload: join(store.payloadDir, r.file) });
    }
    return { publicKey: store.signingKey().publicKey, releases };
  } finally {
    store.close();
  }
}

/**
 * A new machine's USR-A holds its channel's current release, as the
 * coreos-vagrant box of that channel would: the payload unpacked, the slot
 * good. A machine that has slots keeps them.
 */
export async function bornWith(
  machineDir: string,
  release: { version: string; payload: string },
): Promise<void> {
  const { extractPayload, newSlotTable, SlotDirs } = await import("../update/index.js");
  const slots = new SlotDirs(machinePaths(machineDir).slots);
  if (existsSync(join(slots.dir, "slots.json"))) return;
  mkdirSync(slots.dir, { recursive: true });
  const tree = mkdtempSync(join(slots.dir, ".birth-"));
  try {
    await extractPayload(release.payload, tree);
    slots.replace("a", tree);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
  slots.write(newSlotTable(release.version));
}

/** Puts the update server's release key on a machine's config drive. */
export function writeUpdateKey(machineDir: string, publicKey: string): void {
  const file = machinePaths(machineDir).updateKey;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, publicKey);
}
