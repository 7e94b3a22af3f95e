import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ShoalError } from "../errors/index.js";
import { stateDir } from "../host/index.js";
import { machinePaths } from "../machine/index.js";
import { bindLocal, runningLocalServer, startLocalServer } from "./local-server.js";

/** `shoal updates serve`'s own default port, tried first so the URL survives a restart. */
const PREFERRED_PORT = 8088;

/** The local update server machines check with. */
export interface LocalUpdates {
  /** Its Omaha URL, for SERVER= in the machines' update.conf. */
  url: string;
  /** Its release key (SPKI PEM), once it answers. */
  publicKey: Promise<string>;
}

/**
 * shoal's own update server on the address machines reach the host at,
 * started in the background when none runs there, on the default store
 * (the one `shoal updates publish` uses).
 */
export async function localUpdateServer(
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<LocalUpdates> {
  let base = runningLocalServer("updates", host, env);
  let served = Promise.resolve();
  if (!base) {
    const bound = await bindLocal(host, PREFERRED_PORT).catch(() => bindLocal(host, 0));
    base = bound.url;
    served = startLocalServer(
      "updates",
      host,
      bound,
      [
        "updates",
        "serve",
        "--listen",
        `${host}:${new URL(bound.url).port}`,
        "--store",
        join(stateDir(env), "updates"),
      ],
      /^update server listening on /m,
      env,
    );
  }
  const keyUrl = `${base}/v1/key`;
  const publicKey = served.then(async () => {
    const res = await fetch(keyUrl, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new ShoalError(`GET ${keyUrl}: HTTP ${res.status}`);
    return res.text();
  });
  // Awaited later by `up`; until then a failure must not count as unhandled.
  publicKey.catch(() => {});
  return { url: `${base}/v1/update/`, publicKey };
}

/** Puts the update server's release key on a machine's config drive. */
export function writeUpdateKey(machineDir: string, publicKey: string): void {
  const file = machinePaths(machineDir).updateKey;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, publicKey);
}
