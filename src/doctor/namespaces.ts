import { privileges, run, which } from "../host/index.js";
import type { CheckResult, DoctorEnv } from "./types.js";

/**
 * Whether the namespace provider can run here: it needs root (or
 * CAP_SYS_ADMIN and CAP_NET_ADMIN), and the kernel must actually let us
 * create the namespaces, which a container can forbid even to root.
 */
export async function checkNamespaces(env: DoctorEnv): Promise<CheckResult> {
  const base = { name: "namespaces", required: false } as const;
  const fallback = "shoal uses the rootless provider, or processes, instead";
  const priv = privileges();
  if (!priv.root && !(priv.capSysAdmin && priv.capNetAdmin)) {
    return {
      ...base,
      status: "warn",
      detail: `not root and without CAP_SYS_ADMIN and CAP_NET_ADMIN: ${fallback} (see user-namespaces)`,
      fix: "run shoal as root for machines with their own network as well",
    };
  }
  const unshare = which("unshare", env.path);
  if (!unshare) {
    return { ...base, status: "warn", detail: `unshare is missing: ${fallback}` };
  }
  try {
    await run([unshare, "--net", "--mount", "--uts", "--pid", "--fork", "true"], {
      env: env.env,
      timeoutMs: 10_000,
    });
  } catch (err) {
    return {
      ...base,
      status: "warn",
      detail: `the kernel refused new namespaces (${(err as Error).message.trim()}): ${fallback}`,
    };
  }
  return {
    ...base,
    status: "ok",
    detail: `${priv.root ? "root" : "CAP_SYS_ADMIN and CAP_NET_ADMIN"}; network, mount, UTS and PID namespaces can be created`,
  };
}
