import { run } from "../host/index.js";
import type { CheckResult } from "./types.js";

export interface FixHost {
  root: boolean;
  debianLike: boolean;
  aptGet: string | undefined;
}

/** What `doctor --fix` will do: run commands itself, or tell the user what to run. */
export type FixPlan =
  | { kind: "nothing" }
  | { kind: "run"; packages: string[]; commands: string[][] }
  | { kind: "tell"; packages: string[]; message: string };

/** Decides how to install the packages that the failing checks name. Pure. */
export function planFix(results: readonly CheckResult[], host: FixHost): FixPlan {
  const packages = [
    ...new Set(results.filter((r) => r.status !== "ok").flatMap((r) => r.packages ?? [])),
  ];
  if (packages.length === 0) return { kind: "nothing" };
  if (host.debianLike && host.root && host.aptGet) {
    return {
      kind: "run",
      packages,
      commands: [
        [host.aptGet, "update"],
        [host.aptGet, "install", "-y", "--no-install-recommends", ...packages],
      ],
    };
  }
  if (host.debianLike) {
    const install = `apt-get update && apt-get install -y ${packages.join(" ")}`;
    return {
      kind: "tell",
      packages,
      message: host.root
        ? `apt-get is not on PATH; install them with: ${install}`
        : `run as root: sudo sh -c '${install}'`,
    };
  }
  return {
    kind: "tell",
    packages,
    message: `install with your distribution's package manager: etcd and etcdctl 3.4 or newer${
      packages.some((p) => p !== "etcd-server" && p !== "etcd-client")
        ? ", and for the namespace and rootless providers util-linux (unshare, nsenter) and iproute2 (ip)"
        : ""
    }`,
  };
}

/** Carries out a "run" plan, streaming apt's output to `out`. */
export async function applyFix(
  plan: Extract<FixPlan, { kind: "run" }>,
  out: NodeJS.WritableStream,
): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const argv of plan.commands) {
    out.write(`$ ${argv.join(" ")}\n`);
    await run(argv, { env, tee: out });
  }
}
