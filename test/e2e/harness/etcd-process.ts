/**
 * Real etcd members for tests: spawn the `etcd` binary with a temp data
 * dir, wait on its HTTP /health, stop or kill it by pid. Members go on the
 * addresses the caller picks (each engineer has an address range).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Exit, OwnedProcess } from "./child.js";
import { waitFor } from "./wait.js";

export interface EtcdOptions {
  name: string;
  /** The member's IP, e.g. 127.20.3.1; its client and peer URLs use it. */
  host: string;
  clientPort?: number;
  peerPort?: number;
  /** Defaults to a fresh temp dir, removed when the owner cleans up. */
  dataDir?: string;
  /** Static bootstrap: `--initial-cluster` (with `--initial-cluster-state new`). */
  initialCluster?: string;
  /** Discovery bootstrap: `--discovery URL`. */
  discovery?: string;
  /** Short raft timers (heartbeat 10 ms, election 100 ms) so tests stay fast; default true. */
  fastRaft?: boolean;
  /** Appended to the generated flags (they win, etcd takes the last value). */
  extraArgs?: string[];
  bin?: string;
}

export class EtcdProcess extends OwnedProcess {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;

  constructor(readonly options: EtcdOptions & { dataDir: string }) {
    const clientUrl = `http://${options.host}:${options.clientPort ?? 2379}`;
    const peerUrl = `http://${options.host}:${options.peerPort ?? 2380}`;
    const args = [
      options.bin ?? "etcd",
      "--name",
      options.name,
      "--data-dir",
      options.dataDir,
      "--listen-client-urls",
      clientUrl,
      "--advertise-client-urls",
      clientUrl,
      "--listen-peer-urls",
      peerUrl,
      "--initial-advertise-peer-urls",
      peerUrl,
      ...(options.fastRaft === false
        ? []
        : ["--heartbeat-interval", "10", "--election-timeout", "100"]),
      ...(options.initialCluster
        ? ["--initial-cluster", options.initialCluster, "--initial-cluster-state", "new"]
        : []),
      ...(options.discovery ? ["--discovery", options.discovery] : []),
      ...(options.extraArgs ?? []),
    ];
    // Keep etcd's environment from steering it (ETCD_* variables would override nothing we pass, but could add flags).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("ETCD_")),
    );
    super(args, { env });
    this.name = options.name;
    this.clientUrl = clientUrl;
    this.peerUrl = peerUrl;
    this.dataDir = options.dataDir;
  }

  /** `name=peerURL`, one entry of --initial-cluster. */
  get clusterEntry(): string {
    return `${this.name}=${this.peerUrl}`;
  }

  /** true when GET /health says {"health":"true"} (a leader, no alarms). */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      return res.ok && body.health === "true";
    } catch {
      return false;
    }
  }

  /** Polls /health until it answers true; fails at once, with etcd's log, if etcd exits. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    let done = false;
    const exited = this.exited.then((exit) => {
      if (!done)
        throw new Error(`etcd ${this.name} exited (${JSON.stringify(exit)}) before it was healthy`);
    });
    exited.catch(() => {}); // observed below; no unhandled rejection when health wins
    try {
      await Promise.race([
        waitFor(() => this.healthy(), {
          timeoutMs,
          intervalMs: 20,
          what: `etcd ${this.name} healthy at ${this.clientUrl}`,
        }),
        exited,
      ]);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        `${message}\n--- etcd ${this.name} log tail ---\n${this.logs().slice(-3000)}`,
      );
    } finally {
      done = true;
    }
  }
}

/** Temp dirs of groups not cleaned up yet; removed if this process exits first (a crash). */
const pendingDirs = new Set<string>();
process.once("exit", () => {
  for (const dir of pendingDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Owns every etcd (and temp dir) a test starts; `cleanup()` in afterEach
 * kills what is left and removes the dirs, even when the test failed.
 */
export class EtcdGroup {
  readonly members: EtcdProcess[] = [];
  private dirs: string[] = [];

  /** A temp dir removed at cleanup. */
  tempDir(prefix = "shoal-etcd-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    pendingDirs.add(dir);
    return dir;
  }

  start(options: EtcdOptions): EtcdProcess {
    const member = new EtcdProcess({ ...options, dataDir: options.dataDir ?? this.tempDir() });
    this.members.push(member);
    return member;
  }

  /** Static cluster of `names.length` members on host(i), all waited healthy. */
  async startCluster(
    names: string[],
    host: (i: number) => string,
    extra: Partial<EtcdOptions> = {},
  ): Promise<EtcdProcess[]> {
    const initialCluster = names
      .map((n, i) => `${n}=http://${host(i)}:${extra.peerPort ?? 2380}`)
      .join(",");
    const members = names.map((name, i) =>
      this.start({ ...extra, name, host: host(i), initialCluster }),
    );
    await Promise.all(members.map((m) => m.waitHealthy()));
    return members;
  }

  async cleanup(): Promise<Exit[]> {
    const exits = await Promise.all(this.members.splice(0).map((m) => m.kill()));
    for (const dir of this.dirs.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
      pendingDirs.delete(dir);
    }
    return exits;
  }
}
