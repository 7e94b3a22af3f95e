import { defaultLoopbackAddresses, loadSpec, loopbackAddress } from "../cluster/index.js";
import { InputError } from "../errors/index.js";
import { isDebianLike, osRelease, privileges, which } from "../host/index.js";
import { checkBinaries } from "./binaries.js";
import { applyFix, type FixPlan, planFix } from "./fix.js";
import { checkNamespaces } from "./namespaces.js";
import { checkLoopback, checkPorts } from "./network.js";
import { checkStateDirs } from "./state.js";
import type { CheckResult, DoctorEnv } from "./types.js";
import { checkUserNamespaces } from "./userns.js";

export type { FixPlan } from "./fix.js";
export type { CheckResult, CheckStatus, DoctorEnv } from "./types.js";

/** The host as shoal up will use it: 127.17.8.101-105 (up to 5 etcd members), ports 2379/2380. */
export function defaultDoctorEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): DoctorEnv {
  return {
    path: env.PATH ?? "",
    env,
    cwd,
    machineAddresses: defaultLoopbackAddresses(5),
    machinePorts: [2379, 2380],
    discoveryListen: { host: "127.0.0.1", port: 8087 },
  };
}

/**
 * The host as the cluster configured in `cwd` (shoal.yaml or config.rb)
 * will use it: every machine's loopback address in its subnet. Without a
 * config, the defaults; a config that does not load is itself a finding.
 */
export function doctorEnvFor(cwd: string, env: NodeJS.ProcessEnv = process.env): DoctorEnv {
  const base = defaultDoctorEnv(env, cwd);
  try {
    const spec = loadSpec(cwd, env);
    if (spec.source === "defaults") return base;
    const count = Math.max(spec.instances, 1);
    const addresses = Array.from({ length: count }, (_, i) => loopbackAddress(spec.subnet, i + 1));
    return { ...base, machineAddresses: addresses };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { ...base, specProblem: err.describe() };
  }
}

/** Runs every check; the order is the order of the report. */
export async function runChecks(env: DoctorEnv): Promise<CheckResult[]> {
  const [binaries, namespaces, userns, loopback, ports] = await Promise.all([
    checkBinaries(env),
    checkNamespaces(env),
    checkUserNamespaces(env),
    checkLoopback(env),
    checkPorts(env),
  ]);
  const spec: CheckResult[] = env.specProblem
    ? [
        {
          name: "cluster-config",
          required: true,
          status: "fail",
          detail: env.specProblem,
          fix: "correct the file; `shoal up` stops on the same error",
        },
      ]
    : [];
  return [...binaries, namespaces, userns, loopback, ...ports, ...checkStateDirs(env), ...spec];
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
