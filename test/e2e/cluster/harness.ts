/**
 * Whole clusters for tests: a temp cluster directory with a coreos-vagrant
 * sample as user-data and a config.rb, a temp SHOAL_STATE_DIR, the built CLI,
 * and a teardown plus leak check that looks at the host itself (processes,
 * network namespaces, links, the bridge, mounts), as etcd's BeforeTest does.
 */
import { execFileSync } from "node:child_process";
import {
  chownSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterId } from "../../../src/cluster/index.js";
import { type Account, type CliResult, shoal } from "../../helpers/cli.js";
import { waitFor } from "../harness/index.js";

const FIXTURES = new URL("../../fixtures/coreos-vagrant/", import.meta.url);

export interface TestCluster {
  dir: string;
  stateDir: string;
  id: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], input?: string): Promise<CliResult>;
  /** `shoal ARGS`, failing the test with its output unless it exits 0. */
  ok(args: string[], input?: string): Promise<CliResult>;
  machineDir(name: string): string;
}

export const CONFIG_RB = "$num_instances=3\n$update_channel='stable'\n";

/**
 * An unprivileged account to run shoal as when the tests run as root:
 * `nobody`, which every Debian system has, else one made here.
 */
export function unprivilegedAccount(): Account {
  const lookup = (name: string): Account | undefined => {
    try {
      const [uid, gid] = ["-u", "-g"].map((flag) =>
        Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim()),
      );
      return { name, uid: uid as number, gid: gid as number };
    } catch {
      return undefined;
    }
  };
  const found = lookup("nobody") ?? lookup("shoal-test");
  if (found) return found;
  execFileSync("useradd", [
    "--system",
    "--no-create-home",
    "--shell",
    "/usr/sbin/nologin",
    "shoal-test",
  ]);
  const made = lookup("shoal-test");
  if (!made) throw new Error("useradd made no shoal-test account");
  return made;
}

/**
 * coreos-vagrant's workflow: `cp user-data.sample user-data`, a config.rb
 * with 3 machines on stable. With `user`, the cluster and state
 * directories are that user's and every `shoal` runs as that user.
 */
export function newCluster(
  sample: string,
  configRb = CONFIG_RB,
  options: { user?: Account } = {},
): TestCluster {
  const dir = mkdtempSync(join(tmpdir(), "shoal-cluster-"));
  const stateDir = mkdtempSync(join(tmpdir(), "shoal-state-"));
  copyFileSync(new URL(sample, FIXTURES), join(dir, "user-data"));
  writeFileSync(join(dir, "config.rb"), configRb);
  const user = options.user;
  if (user) {
    for (const path of [dir, join(dir, "user-data"), join(dir, "config.rb"), stateDir]) {
      chownSync(path, user.uid, user.gid);
    }
  }
  const env = {
    ...process.env,
    ...(user ? { HOME: dir, USER: user.name, LOGNAME: user.name } : {}),
    SHOAL_STATE_DIR: stateDir,
    // Short raft timers (each member's etcd role in its config drive): the first election in ms.
    SHOAL_ETCD_HEARTBEAT_INTERVAL: "20",
    SHOAL_ETCD_ELECTION_TIMEOUT: "200",
    // The user's own variables stay on the host; scenarios check that no machine sees this.
    SHOAL_TEST_HOST_ONLY: "1",
  };
  const run = (args: string[], input?: string) =>
    shoal(args, { env, cwd: dir, ...(input ? { input } : {}), ...(user ? { user } : {}) });
  return {
    dir,
    stateDir,
    id: clusterId(dir),
    env,
    run,
    async ok(args, input) {
      const r = await run(args, input);
      if (r.code !== 0) {
        throw new Error(`shoal ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      }
      return r;
    },
    machineDir: (name) => join(dir, ".shoal", "machines", name),
  };
}

/** Live (not zombie) processes whose command line or environment mentions one of the markers. */
export function processesMentioning(markers: string[]): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/\) [ZX] /.test(stat)) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (markers.some((m) => cmd.includes(m) || environ.includes(m)))
        found.push({ pid, cmd: cmd.trim() });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function ipList(args: string[]): string[] {
  try {
    return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** What the host still holds for this cluster; empty when nothing leaked. */
export function leaks(c: TestCluster, opts: { bridge: boolean }): string[] {
  const out: string[] = [];
  for (const p of processesMentioning([c.dir, c.stateDir])) out.push(`process ${p.pid}: ${p.cmd}`);
  for (const ns of ipList(["netns", "list"]).filter((l) => l.startsWith(`shoal-${c.id}-`)))
    out.push(`netns ${ns}`);
  for (const link of ipList(["-o", "link", "show"]).filter((l) => l.includes(`sh${c.id}v`)))
    out.push(`link ${link}`);
  // The bridge is shared: left behind means it exists with no machine of any cluster on it.
  const bridge = ipList(["-o", "link", "show", "dev", "shoal0"]).length > 0;
  if (opts.bridge && bridge && ipList(["-o", "link", "show", "master", "shoal0"]).length === 0) {
    out.push("bridge shoal0, unused");
  }
  for (const m of readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.includes(c.dir))) {
    out.push(`mount ${m}`);
  }
  return out;
}

/**
 * Destroys the cluster through the CLI, then removes by hand (by pid and
 * name) whatever is still there so the next test starts clean; returns
 * what had leaked past `destroy`.
 */
export async function teardown(c: TestCluster, opts: { bridge: boolean }): Promise<string[]> {
  await c.run(["destroy", "-f"]);
  const left = leaks(c, opts);
  for (const p of processesMentioning([c.dir, c.stateDir])) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await waitFor(() => processesMentioning([c.dir, c.stateDir]).length === 0, {
    what: "leftover processes to die",
    timeoutMs: 10_000,
  });
  for (const ns of ipList(["netns", "list"]).filter((l) => l.startsWith(`shoal-${c.id}-`))) {
    execFileSync("ip", ["netns", "del", ns.split(" ")[0] as string]);
  }
  rmSync(c.dir, { recursive: true, force: true });
  rmSync(c.stateDir, { recursive: true, force: true });
  return left;
}

export interface MachineJson {
  name: string;
  state: string;
  provider: string;
  address: string;
  machineId?: string;
  updateChannel?: string;
  version?: string;
  slot?: string;
  updateStatus?: string;
  newVersion?: string;
  etcd?: { memberId: string; health: boolean; leader: string; isLeader: boolean };
  etcdError?: string;
  units?: Array<{ name: string; active: string; sub: string }>;
}

export async function statusJson(c: TestCluster): Promise<MachineJson[]> {
  return JSON.parse((await c.ok(["status", "-o", "json"])).stdout) as MachineJson[];
}

export function discoveryUrl(c: TestCluster): string {
  return (
    JSON.parse(readFileSync(join(c.dir, ".shoal", "cluster.json"), "utf8")) as {
      discoveryUrl: string;
    }
  ).discoveryUrl;
}

export { waitFor };
