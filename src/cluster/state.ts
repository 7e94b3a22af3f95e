import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../errors/index.js";
import { stateDir } from "../host/index.js";
import type { ProviderName } from "./providers/index.js";
import type { UpdateChannel } from "./spec/types.js";

/**
 * .shoal/cluster.json: the spec snapshot a cluster was created with, its
 * discovery token and its machines' ids. It says what *should* exist; the
 * providers' list() says what does.
 */
export interface ClusterState {
  version: 1;
  id: string;
  provider: ProviderName;
  /** The discovery token URL the machines met through; kept across halt, new after destroy. */
  discoveryUrl: string;
  createdAt: string;
  updateChannel: UpdateChannel;
  namePrefix: string;
  etcdSize: number;
  subnet: string;
  userData: string;
  /** The user-data sections that configure etcd (etcd2, etcd); `up` waits for etcd only with one. */
  etcdSections: string[];
  machines: Array<{ index: number; name: string; address: string; machineId: string }>;
}

export function shoalDir(clusterDir: string): string {
  return join(clusterDir, ".shoal");
}

/** .shoal/machines/<name>, the machine directory in DESIGN.md's layout. */
export function machineDir(clusterDir: string, name: string): string {
  return join(shoalDir(clusterDir), "machines", name);
}

/** The cluster a machine directory belongs to (the inverse of machineDir). */
export function clusterOfMachine(machineDir: string): string {
  return resolve(machineDir, "..", "..", "..");
}

function statePath(clusterDir: string): string {
  return join(shoalDir(clusterDir), "cluster.json");
}

/**
 * The state of a created cluster, or undefined when there is none. A file
 * that is there but unreadable is an InputError, never "not created": that
 * would have `up` mint a new token and new ids over machines that still run.
 */
export function readState(clusterDir: string): ClusterState | undefined {
  const path = statePath(clusterDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw corrupt(path, `cannot read it: ${(err as Error).message}`);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, `it is not JSON (${(err as Error).message})`);
  }
  const why = shapeProblem(state);
  if (why) throw corrupt(path, why);
  return state as ClusterState;
}

function corrupt(path: string, why: string): InputError {
  return new InputError(
    `the cluster's state file is damaged: ${why}; nothing was changed`,
    { file: path },
    "restore it from a copy; without one, move it aside and run `shoal destroy -f` to stop and remove the machines it listed, then `shoal up` creates a new cluster",
  );
}

/** What makes a parsed state file unusable, if anything (the fields every command relies on). */
function shapeProblem(state: unknown): string | undefined {
  if (typeof state !== "object" || state === null || Array.isArray(state))
    return "it is not a JSON object";
  const s = state as Record<string, unknown>;
  if (s.version !== 1) return `its version is ${JSON.stringify(s.version)}, not 1`;
  for (const key of ["id", "provider", "discoveryUrl", "namePrefix", "subnet"] as const) {
    if (typeof s[key] !== "string") return `"${key}" is missing or not a string`;
  }
  if (!Array.isArray(s.machines)) return `"machines" is missing or not a list`;
  for (const [i, m] of s.machines.entries()) {
    const machine = m as Record<string, unknown> | null;
    if (
      typeof machine?.name !== "string" ||
      typeof machine.index !== "number" ||
      typeof machine.machineId !== "string"
    )
      return `machine ${i + 1} lacks its name, index or machineId`;
  }
  return undefined;
}

/** Written to a temp file and renamed, so a crash never leaves half a cluster.json. */
export function writeState(clusterDir: string, state: ClusterState): void {
  mkdirSync(shoalDir(clusterDir), { recursive: true });
  const tmp = `${statePath(clusterDir)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, statePath(clusterDir));
}

/**
 * The user-wide list of clusters (one file per cluster id naming its
 * directory), so a shared resource such as the auto-started discovery
 * server is stopped only when no cluster is left.
 */
function registryDir(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), "clusters");
}

export function registerCluster(id: string, dir: string, env: NodeJS.ProcessEnv): void {
  mkdirSync(registryDir(env), { recursive: true });
  writeFileSync(join(registryDir(env), id), `${dir}\n`);
}

export function unregisterCluster(id: string, env: NodeJS.ProcessEnv): void {
  rmSync(join(registryDir(env), id), { force: true });
}

/** Registered clusters whose .shoal/ still exists (entries of deleted directories are dropped). */
export function registeredClusters(env: NodeJS.ProcessEnv): string[] {
  if (!existsSync(registryDir(env))) return [];
  const live: string[] = [];
  for (const id of readdirSync(registryDir(env))) {
    const dir = readFileSync(join(registryDir(env), id), "utf8").trim();
    if (existsSync(statePath(dir))) live.push(dir);
    else unregisterCluster(id, env);
  }
  return live;
}
