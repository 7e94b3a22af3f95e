/**
 * What a machine's processes hold in memory, read from /proc: each process's
 * RSS and PSS, the CPU it used so far, and what kind of process it is (etcd
 * member, grpc-proxy, agent, fleetd, or the init and wrappers around them).
 */
import { readFileSync } from "node:fs";
import { childrenOf, providerPidFile, readPid } from "../../src/cluster/providers/common/pids.js";

export interface Usage {
  rssMb: number;
  pssMb: number;
}

/** A process's resident and proportional set sizes, in MB; zero once it is gone. */
export function usage(pid: number): Usage {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (text: string, field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return { rssMb: kb(status, "VmRSS") / 1024, pssMb: kb(rollup, "Pss") / 1024 };
  } catch {
    // Exited between the listing and the read: it uses nothing now.
    return { rssMb: 0, pssMb: 0 };
  }
}

/** CPU time (user and system) a process used so far, in seconds; zero once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // utime and stime: fields 14 and 15, counted after the command name, in clock ticks (100/s).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** pid and every descendant of it. */
export function tree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(tree)];
}

export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    // Gone meanwhile.
    return "";
  }
}

export const KINDS = ["etcd member", "grpc-proxy", "agent", "fleetd", "init and wrappers"] as const;
export type Kind = (typeof KINDS)[number];

/** Which part of a machine a process is, from its command line. */
export function kindOf(pid: number): Kind {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return "init and wrappers";
  }
  if (comm(pid) === "etcd") return argv.includes("grpc-proxy") ? "grpc-proxy" : "etcd member";
  // Node running shoal's CLI; the wrappers that exec it (sh, unshare) name it in their argv too.
  if (comm(pid) === "node") {
    const i = argv.findIndex((a) => a.endsWith("bin.js"));
    if (argv[i + 1] === "machine" && argv[i + 2] === "boot") return "agent";
    if (argv[i + 1] === "fleetd") return "fleetd";
  }
  return "init and wrappers";
}

/** Every process of one machine (its provider's outermost process and all below it), with its kind and usage. */
export function machineProcesses(
  machineDir: string,
): Array<{ pid: number; kind: Kind; cpuS: number } & Usage> {
  const outer = readPid(providerPidFile(machineDir))?.pid;
  if (outer === undefined) throw new Error(`${machineDir}: no provider.pid`);
  return tree(outer).map((pid) => ({
    pid,
    kind: kindOf(pid),
    cpuS: cpuSeconds(pid),
    ...usage(pid),
  }));
}
