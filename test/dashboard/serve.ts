import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { newCluster, type TestCluster } from "../e2e/cluster/harness.js";
import { SHOAL_BIN } from "../helpers/cli.js";

/**
 * The harness's 3-machine coreos-vagrant cluster (stable channel), on its own
 * subnet (127.21.13.101-103 with the process provider) so it never meets
 * another suite's machines on the default addresses.
 */
export function dashboardCluster(): TestCluster {
  const c = newCluster("user-data.sample");
  writeFileSync(
    join(c.dir, "shoal.yaml"),
    "instances: 3\nprovider: process\nupdateChannel: stable\nuserData: ./user-data\nnetwork:\n  subnet: 172.21.13.0/24\n",
  );
  return c;
}

export interface ServedDashboard {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Ctrl-C, then its exit code. */
  interrupt(): Promise<number | null>;
}

/** `shoal dashboard` as a user runs it in the cluster directory; resolves once it printed its URL. */
export function serveDashboard(
  cwd: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<ServedDashboard> {
  // The bin itself, not `node bin.js`: its #! line's node flags are part of how it runs.
  const child = spawn(SHOAL_BIN, ["dashboard", "--listen", "127.0.0.1:0", ...extra], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out)?.[0];
      if (!url) return;
      child.stdout?.off("data", onData);
      child.stdout?.on("data", (c: Buffer) => {
        out += c.toString();
      });
      resolve({
        child,
        url,
        output: () => out,
        async interrupt() {
          if (child.exitCode === null) child.kill("SIGINT");
          return exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    void exited.then((code) =>
      reject(new Error(`shoal dashboard exited ${code} before serving:\n${out}`)),
    );
  });
}
