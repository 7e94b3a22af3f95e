import { defaultLoopbackAddresses } from "../cluster/index.js";
import { isDebianLike, osRelease, privileges, which } from "../host/index.js";
import { checkBinaries } from "./binaries.js";
import { applyFix, type FixPlan, planFix } from "./fix.js";
import { checkNamespaces } from "./namespaces.js";
import { checkLoopback, checkPorts } from "./network.js";
import { checkStateDirs } from "./state.js";
import type { CheckResult, DoctorEnv } from "./types.js";

export type { FixPlan } from "./fix.js";
export type { CheckResult, CheckStatus, DoctorEnv } from "./types.js";

/** The host as shoal up will use it: 127.17.8.101-105 (up to 5 etcd members), ports 2379/2380. */
export function defaultDoctorEnv(env: NodeJS.ProcessEnv = process.env): DoctorEnv {
  return {
    path: env.PATH ?? "",
    env,
    cwd: process.cwd(),
    machineAddresses: defaultLoopbackAddresses(5),
    machinePorts: [2379, 2380],
    discoveryListen: { host: "127.0.0.1", port: 8087 },
  };
}

/** Runs every check; the order is the order of the report. */
export async function runChecks(env: DoctorEnv): Promise<CheckResult[]> {
  const [binaries, namespaces, loopback, ports] = await Promise.all([
    checkBinaries(env),
    checkNamespaces(env),
    checkLoopback(env),
    checkPorts(env),
  ]);
  return [...binaries, namespaces, loopback, ...ports, ...checkStateDirs(env)];
}

/** True when every required check is ok. */
export function healthy(results: readonly CheckResult[]): boolean {
  return results.every((r) => !r.required || r.status === "ok");
}

/** How --fix would go on this host for these results. */
export function fixPlanFor(results: readonly CheckResult[], env: DoctorEnv): FixPlan {
  return planFix(results, {
    root: privileges().root,
    debianLike: isDebianLike(osRelease()),
    aptGet: which("apt-get", env.path),
  });
}

export { applyFix };
