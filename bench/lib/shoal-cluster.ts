/**
 * A shoal cluster directory for benchmarks: shoal.yaml, the coreos-vagrant
 * sample as user-data, a private state dir, and the built CLI to drive it.
 */
import { execFileSync, spawn } from "node:child_process";
import { chownSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const SAMPLE = new URL("../../test/fixtures/coreos-vagrant/user-data.sample", import.meta.url);

/** The raft timers both sides of every cluster benchmark use: short, so neither waits seconds on a first election. */
export const RAFT = { heartbeatMs: 10, electionMs: 100 };

export interface BenchCluster {
  dir: string;
  /** `shoal ARGS` in the cluster directory: its output; rejects with it unless it exits 0. */
  shoal(args: string[]): Promise<string>;
  remove(): Promise<void>;
}

/**
 * A cluster directory with these shoal.yaml settings. `shortRaft` (default)
 * gives every etcd the short raft timers RAFT; false keeps etcd's defaults,
 * which is what `shoal up` gives its users. With `user`, the directories
 * are that user's and shoal runs as that user (the rootless provider).
 */
export function benchCluster(
  settings: Record<string, string | number>,
  { shortRaft = true, user }: { shortRaft?: boolean; user?: { uid: number; gid: number } } = {},
): BenchCluster {
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-"));
  const state = mkdtempSync(join(tmpdir(), "shoal-bench-state-"));
  copyFileSync(SAMPLE, join(dir, "user-data"));
  writeFileSync(
    join(dir, "shoal.yaml"),
    Object.entries(settings)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join(""),
  );
  if (user) {
    for (const path of [dir, join(dir, "user-data"), join(dir, "shoal.yaml"), state]) {
      chownSync(path, user.uid, user.gid);
    }
  }
  const env = {
    ...process.env,
    SHOAL_STATE_DIR: state,
    ...(user ? { HOME: dir } : {}),
    ...(shortRaft
      ? {
          SHOAL_ETCD_HEARTBEAT_INTERVAL: String(RAFT.heartbeatMs),
          SHOAL_ETCD_ELECTION_TIMEOUT: String(RAFT.electionMs),
        }
      : {}),
  };
  return {
    dir,
    // Not spawnSync: a discovery server in this process must keep answering meanwhile.
    shoal(args) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          cwd: dir,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          ...(user ? { uid: user.uid, gid: user.gid } : {}),
        });
        let output = "";
        const keep = (chunk: Buffer) => {
          output += chunk.toString("utf8");
        };
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0
            ? resolve(output)
            : reject(new Error(`shoal ${args.join(" ")} exited ${code}:\n${output}`)),
        );
      });
    },
    async remove() {
      try {
        await this.shoal(["destroy", "-f"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(state, { recursive: true, force: true });
      }
    },
  };
}

/** Whether the namespace provider can run here (root). */
export function canUseNamespaces(): boolean {
  try {
    return execFileSync("id", ["-u"], { encoding: "utf8" }).trim() === "0";
  } catch {
    return false;
  }
}
