import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The host pid of a machine's outermost process (the agent for the process
 * provider, `unshare` for the namespace provider), kept by the provider in
 * the machine directory. The agent's own agent.pid is in its PID namespace.
 */
export function providerPidFile(machineDir: string): string {
  return join(machineDir, "provider.pid");
}

export function writePid(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`);
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePid(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Whether pid is a live (not zombie) process whose command line mentions
 * `marker` (the machine directory), so a recycled pid is never mistaken
 * for the machine.
 */
export function aliveWith(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .some((a) => a.includes(marker));
  } catch {
    return false;
  }
}

/** The direct children of pid, from /proc. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Polls until `done()` holds or the deadline passes; returns whether it held. */
export async function waitFor(
  done: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
