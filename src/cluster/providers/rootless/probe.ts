import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../../host/index.js";

/** unshare's flags for a machine: this user as root in a new user namespace, with mounts, UTS and PIDs. */
export const MACHINE_NAMESPACES = [
  "--user",
  "--map-root-user",
  "--mount",
  "--uts",
  "--pid",
  "--fork",
  "--kill-child",
] as const;

/**
 * Whether this user can make a rootless machine here, tried for real: a
 * user namespace mapped to this user with its own mount, UTS and PID
 * namespaces, a hostname set, a tmpfs, and an overlay (`userxattr`) whose
 * upper layer is in `scratch` (a directory on the filesystem machines will
 * use). Sysctls and AppArmor can forbid any of these, and only trying
 * tells them all apart. Resolves with undefined when everything worked,
 * else with the kernel's (or unshare's) words.
 */
export async function probeRootless(
  scratch: string,
  env: NodeJS.ProcessEnv,
  unshare = "unshare",
): Promise<string | undefined> {
  let dir: string;
  try {
    mkdirSync(scratch, { recursive: true });
    dir = mkdtempSync(join(scratch, ".rootless-probe-"));
  } catch (err) {
    return `cannot try it in ${scratch}: ${(err as Error).message}`;
  }
  try {
    for (const d of ["lower", "upper", "work", "merged"]) mkdirSync(join(dir, d));
    await run(
      [
        unshare,
        ...MACHINE_NAMESPACES,
        "--",
        "/bin/sh",
        "-ec",
        `hostname shoal-probe
mount -t tmpfs tmpfs "$1/lower"
mount -t overlay overlay -o "userxattr,lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged"
mount -t proc proc "$1/lower"`,
        "probe",
        dir,
      ],
      { env, timeoutMs: 10_000 },
    );
    return undefined;
  } catch (err) {
    const message = (err as Error & { stderr?: string }).stderr?.trim();
    return message || (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
