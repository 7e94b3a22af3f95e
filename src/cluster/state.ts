import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
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

function statePath(clusterDir: string): string {
  return join(shoalDir(clusterDir), "cluster.json");
}

export function readState(clusterDir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(clusterDir), "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
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
