export type CheckStatus = "ok" | "warn" | "fail";

/** One line of the doctor's report. */
export interface CheckResult {
  /** Short stable name, e.g. "etcd" or "ports". */
  name: string;
  status: CheckStatus;
  /** Whether shoal up cannot work without it (a failed required check makes doctor exit 1). */
  required: boolean;
  /** What was found, e.g. "3.4.23 at /usr/bin/etcd". */
  detail: string;
  /** What to do about it, when it is not ok. */
  fix?: string;
  /** Debian packages that would fix it, for `doctor --fix`. */
  packages?: string[];
}

/** What the checks look at, so tests can point them elsewhere. */
export interface DoctorEnv {
  path: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Addresses the process provider gives machines (127.17.8.101, ...). */
  machineAddresses: string[];
  /** Ports each etcd member listens on at its machine address. */
  machinePorts: number[];
  /** Why the cluster config in cwd could not be read, when it could not. */
  specProblem?: string;
  /** Where `shoal discovery serve` listens by default. */
  discoveryListen: { host: string; port: number };
}
