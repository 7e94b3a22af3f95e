import { readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { machinePaths } from "../../../machine/index.js";

/**
 * The host pid of a machine's outermost process (the agent for the process
 * provider, `unshare` for the namespace provider), kept by the provider in
 * the machine directory. The agent's own agent.pid is in its PID namespace.
 */
export function providerPidFile(machineDir: string): string {
  return machinePaths(machineDir).providerPid;
}

/**
 * A process as the host knows it: its pid and its start time (clock ticks
 * after boot, field 22 of /proc/PID/stat). The start time survives exec and
 * tells a recycled pid apart; the command line does neither (it reads empty
 * while the process is in execve, as `ip netns exec` -> unshare -> sh are).
 */
export interface ProcessId {
  pid: number;
  start: number;
}

function stat(pid: number): { state: string; start: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** The identity of a process that runs now (e.g. a child just spawned). */
export function processId(pid: number): ProcessId | undefined {
  const s = stat(pid);
  return s && Number.isFinite(s.start) ? { pid, start: s.start } : undefined;
}

/** Whether that very process still runs (and is not a zombie). */
export function alive(id: ProcessId): boolean {
  const s = stat(id.pid);
  return s !== undefined && s.start === id.start && s.state !== "Z" && s.state !== "X";
}

export function writePid(file: string, id: ProcessId): void {
  writeFileSync(file, `${id.pid} ${id.start}\n`);
}

export function readPid(file: string): ProcessId | undefined {
  try {
    const [pid, start] = readFileSync(file, "utf8").trim().split(" ").map(Number);
    return Number.isInteger(pid) && (pid as number) > 0 && Number.isInteger(start)
      ? { pid: pid as number, start: start as number }
      : undefined;
  } catch {
    return undefined;
  }
}

export function removePid(file: string): void {
  rmSync(file, { force: true });
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

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function pidNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/**
 * The host pid of the PID 1 below `pid` (a machine's launcher): the first
 * process down its line of children that is in another PID namespace.
 * Undefined between two boots of a rebooting machine, or when it has none.
 */
export function namespaceInit(pid: number): number | undefined {
  const outer = pidNamespace(pid);
  if (outer === undefined) return undefined;
  // launcher -> (ip netns exec ->) unshare -> init: a few levels, never a long walk.
  for (let p = childrenOf(pid)[0], depth = 0; p !== undefined && depth < 8; depth++) {
    const ns = pidNamespace(p);
    if (ns !== undefined && ns !== outer) return p;
    p = childrenOf(p)[0];
  }
  return undefined;
}
