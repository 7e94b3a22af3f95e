import { run, which } from "../host/index.js";
import type { CheckResult, DoctorEnv } from "./types.js";

const MIN_ETCD: [number, number] = [3, 4];

interface Tool {
  name: string;
  /** Debian package that ships it. */
  pkg: string;
  required: boolean;
  /** Why shoal needs it, said when it is missing. */
  purpose: string;
  /** How to ask it for its version; the first x.y.z in the output is taken. */
  versionArgs?: string[];
}

export const TOOLS: readonly Tool[] = [
  {
    name: "etcd",
    pkg: "etcd-server",
    required: true,
    purpose: "every machine runs a real etcd member",
    versionArgs: ["--version"],
  },
  {
    name: "etcdctl",
    pkg: "etcd-client",
    required: true,
    purpose: "etcdctl inside machines and health checks",
    versionArgs: ["version"],
  },
  {
    name: "unshare",
    pkg: "util-linux",
    required: false,
    purpose: "the namespace and rootless providers create machines with it",
  },
  {
    name: "nsenter",
    pkg: "util-linux",
    required: false,
    purpose: "the namespace and rootless providers enter machines with it",
  },
  {
    name: "ip",
    pkg: "iproute2",
    required: false,
    purpose: "the namespace provider makes the shoal0 bridge and veths with it",
  },
];

/** Finds each tool on PATH and, where it has one, checks its version. */
export async function checkBinaries(env: DoctorEnv): Promise<CheckResult[]> {
  return Promise.all(TOOLS.map((tool) => checkTool(tool, env)));
}

async function checkTool(tool: Tool, env: DoctorEnv): Promise<CheckResult> {
  const base = { name: tool.name, required: tool.required };
  const missing = tool.required ? "fail" : "warn";
  const path = which(tool.name, env.path);
  if (!path) {
    return {
      ...base,
      status: missing,
      detail: `not found on PATH (${tool.purpose})`,
      fix: installHint([tool.pkg]),
      packages: [tool.pkg],
    };
  }
  if (!tool.versionArgs) return { ...base, status: "ok", detail: path };
  let output: string;
  try {
    const result = await run([path, ...tool.versionArgs], { env: env.env, timeoutMs: 10_000 });
    output = result.stdout + result.stderr;
  } catch (err) {
    return {
      ...base,
      status: missing,
      detail: `${path} does not run: ${(err as Error).message}`,
      fix: installHint([tool.pkg]),
      packages: [tool.pkg],
    };
  }
  const version = parseVersion(output);
  if (!version) {
    return { ...base, status: missing, detail: `${path}: cannot read a version from its output` };
  }
  if (!atLeast(version, MIN_ETCD)) {
    return {
      ...base,
      status: missing,
      detail: `${version.join(".")} at ${path}, but shoal needs ${MIN_ETCD.join(".")} or newer`,
      fix: installHint([tool.pkg]),
      packages: [tool.pkg],
    };
  }
  return { ...base, status: "ok", detail: `${version.join(".")} at ${path}` };
}

/** The first `x.y.z` in a tool's version output. */
export function parseVersion(output: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function atLeast(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = version[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The exact install command for Debian and Ubuntu hosts. */
export function installHint(packages: string[]): string {
  return `apt-get install -y ${[...new Set(packages)].join(" ")} (as root; or run \`shoal doctor --fix\`)`;
}
