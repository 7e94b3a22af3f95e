import { readFileSync } from "node:fs";

// Bit numbers from linux/capability.h.
const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

export interface Privileges {
  root: boolean;
  capSysAdmin: boolean;
  capNetAdmin: boolean;
}

/** What this process may do with namespaces, read from /proc/self/status. */
export function privileges(status = readProcStatus()): Privileges {
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  const eff = match?.[1] ? BigInt(`0x${match[1]}`) : 0n;
  const uid = /^Uid:\s*\d+\s+(\d+)/m.exec(status)?.[1];
  return {
    root: uid === "0",
    capSysAdmin: ((eff >> CAP_SYS_ADMIN) & 1n) === 1n,
    capNetAdmin: ((eff >> CAP_NET_ADMIN) & 1n) === 1n,
  };
}

function readProcStatus(): string {
  try {
    return readFileSync("/proc/self/status", "utf8");
  } catch {
    // No /proc (a chroot without it): no capabilities can be read, so none are claimed.
    return "";
  }
}
