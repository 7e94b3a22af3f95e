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
   * Its release key (SPKI PEM), for the machines' config drives: read (or
   * made) while the machines boot, since the store's code and SQLite are
   * not free and a machine needs the key only at its first check.
   */
  publicKey: Promise<string>;
  /**
   * Each channel's current release where one was published (the base
   * release is left out: a machine makes that itself), with its payload.
   */
  releases: Promise<Map<string, { version: string; payload: string }>>;
  /** Starts the server on the bound socket when none ran; nothing when one runs. */
  start(): void;
}

/**
 * shoal's own update server on the address machines reach the host at, on
 * the default store (the one `shoal updates publish` uses). The key comes
 * from the store itself, and a server that has to be started is bound now
 * (its URL is known) but started by `start()`, after the machines booted:
 * its Node start then neither delays `up` nor takes CPU from the boot.
 */
export async function localUpdateServer(
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<LocalUpdates> {
  const store = join(stateDir(env), "updates");
  const read = readStore(store);
  const publicKey = read.then((r) => r.publicKey);
  const releases = read.then((r) => r.releases);
  // Awaited by later steps; a failure must not count as unhandled meanwhile.
  publicKey.catch(() => {});
  releases.catch(() => {});
  const running = runningLocalServer("updates", host, env);
  if (running) return { url: `${running}/v1/update/`, publicKey, releases, start: () => {} };
  const bound = await bindLocal(host, PREFERRED_PORT).catch(() => bindLocal(host, 0));
  const args = ["updates", "serve", "--listen", `${host}:${new URL(bound.url).port}`];
  return {
    url: `${bound.url}/v1/update/`,
    publicKey,
    releases,
    start() {
      // Nobody waits for it: a server that fails to start is found by the next `up`.
      void startLocalServer("updates", host, bound, [...args, "--store", store], env);
    },
  };
}

/** The store's release key (made on first use, as the server would) and its published releases. */
async function readStore(dir: string): Promise<{
  publicKey: string;
  releases: Map<string, { version: string; payload: string }>;
}> {
  const { CHANNELS, UpdateStore } = await import("../update/index.js");
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
