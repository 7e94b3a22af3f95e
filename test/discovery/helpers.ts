/** Shared pieces of the discovery tests: an in-process server on a temp SQLite file, etcdctl. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type DiscoveryServer,
  type DiscoveryServerOptions,
  startDiscoveryServer,
} from "../../src/discovery/index.js";

const execFileP = promisify(execFile);

/** Cleanups run in reverse in afterEach. */
export class Owner {
  private cleanups: Array<() => unknown> = [];
  defer(fn: () => unknown): void {
    this.cleanups.push(fn);
  }
  tempDir(prefix = "shoal-discovery-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.splice(0).reverse()) await fn();
  }
}

export async function startServer(
  owner: Owner,
  opts: Partial<DiscoveryServerOptions> = {},
): Promise<DiscoveryServer> {
  const server = await startDiscoveryServer({
    listen: { host: "127.0.0.1", port: 0 },
    store: `sqlite:${join(owner.tempDir(), "discovery.db")}`,
    ...opts,
  });
  owner.defer(() => server.close());
  return server;
}

export interface MemberInfo {
  ID: number;
  name: string;
  peerURLs: string[];
  clientURLs?: string[];
}

/** `etcdctl member list` through the v3 API, as a user would ask. */
export async function memberList(endpoint: string): Promise<MemberInfo[]> {
  const { stdout } = await execFileP(
    "etcdctl",
    ["--endpoints", endpoint, "member", "list", "-w", "json"],
    {
      env: { ...process.env, ETCDCTL_API: "3" },
      timeout: 10_000,
    },
  );
  return (JSON.parse(stdout) as { members: MemberInfo[] }).members;
}

/** Writes through one member and reads the value back from every member: the cluster replicates. */
export async function assertReplicates(
  endpoints: string[],
  key: string,
  value: string,
): Promise<string[]> {
  const env = { ...process.env, ETCDCTL_API: "3" };
  await execFileP("etcdctl", ["--endpoints", endpoints[0] as string, "put", key, value], {
    env,
    timeout: 10_000,
  });
  return Promise.all(
    endpoints.map(async (e) => {
      const { stdout } = await execFileP(
        "etcdctl",
        ["--endpoints", e, "get", key, "--print-value-only", "--consistency", "l"],
        { env, timeout: 10_000 },
      );
      return stdout.trim();
    }),
  );
}
