import { readFileSync } from "node:fs";
import {
  childrenOf,
  providerPidFile,
  readPid,
} from "../../../src/cluster/providers/common/pids.js";

/**
 * The host pid of a machine's agent: the provider's own process (process
 * provider), or the child of the machine's PID 1 under unshare (namespace
 * and rootless providers).
 */
export function agentPid(machineDir: string): number {
  const outer = readPid(providerPidFile(machineDir))?.pid;
  if (outer === undefined) throw new Error(`${machineDir}: no provider.pid`);
  if (readFileSync(`/proc/${outer}/cmdline`, "utf8").split("\0")[0] === process.execPath) {
    return outer;
  }
  const init = childrenOf(outer)[0];
  const agent = init === undefined ? undefined : childrenOf(init)[0];
  if (agent === undefined) throw new Error(`${machineDir}: no agent under pid ${outer}`);
  return agent;
}

/** Peak resident memory (VmHWM) of a process, in MB. */
export function peakMemoryMb(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}
