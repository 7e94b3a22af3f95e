import { readFileSync } from "node:fs";
import {
  childrenOf,
  namespaceInit,
  providerPidFile,
  readPid,
} from "../../../src/cluster/providers/common/pids.js";

/**
 * The host pid of a machine's agent: the child of the machine's launcher
 * (process provider), or the child of the machine's PID 1 under unshare
 * (namespace and rootless providers).
 */
export function agentPid(machineDir: string): number {
  const outer = readPid(providerPidFile(machineDir))?.pid;
  if (outer === undefined) throw new Error(`${machineDir}: no provider.pid`);
  const agent = childrenOf(namespaceInit(outer) ?? outer)[0];
  if (agent === undefined) throw new Error(`${machineDir}: no agent under pid ${outer}`);
  return agent;
}

/** Peak resident memory (VmHWM) of a process, in MB. */
export function peakMemoryMb(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}
