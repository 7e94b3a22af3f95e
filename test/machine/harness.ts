import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootFinished,
  type ConfigDrive,
  connectMachine,
  type MachineClient,
  type MachineStatus,
  machinePaths,
  writeConfigDrive,
} from "../../src/machine/index.js";
import { waitFor as shared } from "../e2e/harness/index.js";
import { SHOAL_BIN } from "../helpers/cli.js";

/** The e2e harness's waitFor, in this file's argument order; resolves to a truthy value. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const truthy = async () => ((await check()) || undefined) as NonNullable<T> | undefined;
  return shared(truthy, { what, timeoutMs });
}

/** Pids of live processes whose environment names this machine (every unit process has it). */
export function machineProcesses(machineDir: string): number[] {
  const needle = `SHOAL_MACHINE_DIR=${machineDir}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^State:\s+Z/m.test(status)) continue; // a zombie is already dead
      if (`${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(needle))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

export interface BootedMachine {
  dir: string;
  agent: ChildProcess;
  exited: Promise<number | null>;
  client: MachineClient;
  status(): Promise<MachineStatus>;
}

/**
 * Owns every machine a test boots: each agent, each unit process (found by
 * its SHOAL_MACHINE_DIR), and each directory are gone after `cleanup`,
 * also when the test failed.
 */
export class Machines {
  private readonly dirs: string[] = [];
  private readonly agents: ChildProcess[] = [];

  /** Boots a new machine, or (with `dir`) boots an existing one again. */
  async boot(
    drive: ConfigDrive,
    opts: { dir?: string; boot?: "running" | "failed" } = {},
  ): Promise<BootedMachine> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "shoal-machine-"));
    if (!opts.dir) this.dirs.push(dir);
    writeConfigDrive(dir, drive);
    const agent = spawn(process.execPath, [SHOAL_BIN, "machine", "boot", "--dir", dir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.agents.push(agent);
    let stderr = "";
    agent.stderr?.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) =>
      agent.once("exit", (code) => resolve(code)),
    );
    const client = await waitFor(`the agent of ${drive.meta.hostname} (${stderr})`, async () => {
      if (agent.exitCode !== null) throw new Error(`agent exited ${agent.exitCode}: ${stderr}`);
      return connectMachine(dir);
    });
    const status = () => client.status();
    const want = opts.boot ?? "running";
    // The agent answers this once the boot is over.
    const finished = await bootFinished(dir);
    if (finished.boot !== want)
      throw new Error(`the boot ended ${finished.boot}, not ${want}: ${finished.reason ?? ""}`);
    return { dir, agent, exited, client, status };
  }

  async cleanup(): Promise<void> {
    for (const a of this.agents.splice(0))
      if (a.exitCode === null && a.signalCode === null) a.kill("SIGKILL");
    for (const dir of this.dirs) {
      // Units die with their agent; anything still alive is a bug, but must not outlive the test.
      await waitFor("unit processes to go", () => machineProcesses(dir).length === 0, 3000).catch(
        () => {
          for (const pid of machineProcesses(dir)) process.kill(pid, "SIGKILL");
        },
      );
    }
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export function journalOf(dir: string, unit: string): string {
  try {
    return readFileSync(join(machinePaths(dir).journal, `${unit}.log`), "utf8");
  } catch {
    return "";
  }
}

export const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/coreos-vagrant/${name}`, import.meta.url), "utf8");

export function meta(n: number, over: Partial<ConfigDrive["meta"]> = {}): ConfigDrive["meta"] {
  const ip = `127.17.8.${n}`;
  return {
    hostname: `core-${n}`,
    machineId: `${n}`.padStart(32, "0"),
    privateIpv4: ip,
    publicIpv4: ip,
    updateChannel: "stable",
    ...over,
  };
}
