/** A machine's update side on disk (release files, update.conf, slots, prefs) and an update server to talk to. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import {
  type EngineDeps,
  type EngineState,
  type Http,
  nodeHttp,
  Prefs,
  SlotDirs,
  UpdateEngine,
} from "../../src/update/index.js";
import type { Owner } from "../discovery/helpers.js";
import { shoal } from "../helpers/cli.js";
import { releaseTree, serveUpdates } from "./helpers.js";

export interface MachineOptions {
  server: string;
  version: string;
  group: string;
  publicKey: string;
  http?: Http;
}

export interface Machine {
  root: string;
  slots: SlotDirs;
  prefs: Prefs;
  statuses: string[];
  deps: Omit<EngineDeps, "onStatus">;
  engine: UpdateEngine;
  setConf(text: string): void;
}

export function machine(owner: Owner, opts: MachineOptions): Machine {
  const root = owner.tempDir("shoal-machine-");
  const file = (p: string) => join(root, p);
  mkdirSync(file("usr/share/coreos"), { recursive: true });
  mkdirSync(file("etc/coreos"), { recursive: true });
  writeFileSync(
    file("usr/share/coreos/release"),
    `COREOS_RELEASE_VERSION=${opts.version}\nCOREOS_RELEASE_BOARD=amd64-usr\n`,
  );
  writeFileSync(
    file("usr/share/coreos/update.conf"),
    `GROUP=stable\nSERVER=${opts.server}/v1/update/\n`,
  );
  const setConf = (text: string) => writeFileSync(file("etc/coreos/update.conf"), text);
  setConf(`GROUP=${opts.group}\n`);
  const slots = new SlotDirs(file("var/lib/shoal/slots"));
  const prefs = new Prefs(file("var/lib/update_engine/prefs"));
  const statuses: string[] = [];
  const deps = {
    readFile: (p: string) => (existsSync(file(p)) ? readFileSync(file(p), "utf8") : undefined),
    slots,
    prefs,
    http: opts.http ?? nodeHttp,
    publicKey: opts.publicKey,
    machineId: `id-${root.slice(-6)}`,
    bootId: "{boot-1}",
    alias: "core-01",
    now: Date.now,
  };
  const engine = new UpdateEngine({
    ...deps,
    onStatus: (s: EngineState) => statuses.push(s.status),
  });
  return { root, slots, prefs, statuses, deps, engine, setConf };
}

/** `shoal updates serve` on a fresh store, with publish and status through the CLI. */
export async function updateServer(owner: Owner) {
  const dir = owner.tempDir("shoal-updates-");
  const store = join(dir, "store");
  const { proc, url } = await serveUpdates(["--listen", "127.0.0.1:0", "--store", store]);
  owner.defer(() => proc.kill());
  const publicKey = await (await fetch(`${url}/v1/key`)).text();
  /** Publishes a small release tree; returns its payload file in the store. */
  const publish = async (channel: string, version: string, ...extra: string[]) => {
    const tree = releaseTree(join(dir, `tree-${channel}-${version}`), version);
    const args = ["--store", store, "--channel", channel, "--version", version, ...extra, tree];
    const res = await shoal(["updates", "publish", ...args]);
    expect(res.code, res.stderr).toBe(0);
    // The store names a payload by its sha256, which publish prints.
    const sha256 = /sha256 (\S+)\)/.exec(res.stdout)?.[1] as string;
    return join(store, "payloads", `${Buffer.from(sha256, "base64").toString("hex")}.tar.gz`);
  };
  const status = async () =>
    JSON.parse((await shoal(["updates", "status", "--store", store, "-o", "json"])).stdout);
  return { url, store, publicKey, publish, status };
}

/**
 * The common start of an update test: a server with release 1.1.0 on
 * stable, and a machine running 0.1.0 on stable that checks with it.
 */
export async function machineBehindStable(owner: Owner): Promise<{
  server: Awaited<ReturnType<typeof updateServer>>;
  m: Machine;
}> {
  const server = await updateServer(owner);
  await server.publish("stable", "1.1.0");
  const m = machine(owner, {
    server: server.url,
    version: "0.1.0",
    group: "stable",
    publicKey: server.publicKey,
  });
  return { server, m };
}
