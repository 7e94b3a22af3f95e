import { readFileSync } from "node:fs";
import { probeRootless } from "../cluster/index.js";
import { privileges, stateDir, which } from "../host/index.js";
import type { CheckResult, DoctorEnv } from "./types.js";

/** The kernel settings that decide whether a user without root may make user namespaces. */
export interface UsernsSysctls {
  /** kernel.unprivileged_userns_clone (Debian's and Ubuntu's older kernels only). */
  unprivilegedUsernsClone?: string;
  /** user.max_user_namespaces */
  maxUserNamespaces?: string;
  /** kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10 and later). */
  apparmorRestrict?: string;
}

const SYSCTL_FILES: Record<keyof UsernsSysctls, string> = {
  unprivilegedUsernsClone: "/proc/sys/kernel/unprivileged_userns_clone",
  maxUserNamespaces: "/proc/sys/user/max_user_namespaces",
  apparmorRestrict: "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
};

export function readUsernsSysctls(): UsernsSysctls {
  const out: UsernsSysctls = {};
  for (const [key, file] of Object.entries(SYSCTL_FILES) as Array<[keyof UsernsSysctls, string]>) {
    try {
      out[key] = readFileSync(file, "utf8").trim();
    } catch {
      // this kernel has no such setting
    }
  }
  return out;
}

/** What each setting that forbids unprivileged user namespaces means, and the command that allows them. */
export function usernsBlockers(s: UsernsSysctls): Array<{ problem: string; fix: string }> {
  const found: Array<{ problem: string; fix: string }> = [];
  if (s.unprivilegedUsernsClone === "0") {
    found.push({
      problem: "kernel.unprivileged_userns_clone is 0: only root may create user namespaces",
      fix: "sysctl -w kernel.unprivileged_userns_clone=1",
    });
  }
  if (s.maxUserNamespaces === "0") {
    found.push({
      problem: "user.max_user_namespaces is 0: no user namespace may be created",
      fix: "sysctl -w user.max_user_namespaces=15000",
    });
  }
  if (s.apparmorRestrict === "1") {
    found.push({
      problem:
        "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns is 1): they get no capabilities, so no mounts",
      fix: "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile that allows userns for unshare)",
    });
  }
  return found;
}

const PERSIST = "as root; put the setting in /etc/sysctl.d/99-shoal.conf to keep it";

/**
 * Whether users without root get rootless machines: the sysctls that
 * decide it, explained, and (for such a user) a real try at a user
 * namespace with its mounts, as the rootless provider makes them.
 */
export async function checkUserNamespaces(env: DoctorEnv): Promise<CheckResult> {
  const base = { name: "user-namespaces", required: false } as const;
  const blockers = usernsBlockers(readUsernsSysctls());
  const fix = blockers.length ? `${blockers.map((b) => b.fix).join("; ")} (${PERSIST})` : undefined;
  if (privileges().root) {
    // Root bypasses these settings: say what they mean for the host's other users.
    return blockers.length
      ? {
          ...base,
          status: "warn",
          detail: `users without root get the process provider: ${blockers.map((b) => b.problem).join("; ")}`,
          ...(fix ? { fix } : {}),
        }
      : {
          ...base,
          status: "ok",
          detail: "users without root may create user namespaces: they get the rootless provider",
        };
  }
  const unshare = which("unshare", env.path);
  const refused = unshare
    ? await probeRootless(stateDir(env.env), env.env, unshare)
    : "unshare is missing (util-linux)";
  if (refused === undefined) {
    return {
      ...base,
      status: "ok",
      detail:
        "a user namespace with mount, UTS and PID namespaces and a userxattr overlay can be created: machines use the rootless provider",
    };
  }
  const why = blockers.length ? blockers.map((b) => b.problem).join("; ") : refused;
  return {
    ...base,
    status: "warn",
    detail: `no rootless machines here (${why}): shoal uses the process provider instead`,
    fix: fix ?? "run shoal as root for namespace machines, or on a kernel of 5.11 or later",
  };
}
