import { REBOOT_STATUS } from "../../../machine/index.js";

/**
 * PID 1 of a machine with its own PID namespace: a few lines of sh instead
 * of a package such as tini, so that no user has to install anything and
 * the rootless provider (whose user cannot install packages) has the same
 * PID 1 as the namespace provider. It runs the agent as its child, passes
 * SIGTERM, SIGINT and SIGHUP on to it (PID 1 gets no signal it has no
 * handler for), and reaps whatever is orphaned in the machine: `wait`
 * collects any child, adopted ones included. It exits with the agent's
 * status, which ends the namespace and everything left in it.
 */
export const INIT_SCRIPT = `"$@" & agent=$!
trap 'kill -TERM "$agent" 2>/dev/null' TERM INT HUP
while :; do
  wait "$agent"; status=$?
  [ "$status" -gt 128 ] && kill -0 "$agent" 2>/dev/null || exit "$status"
done`;

/** The argv that chroots into `root` and runs the init with `argv` as the agent. */
export function initArgv(root: string, argv: readonly string[]): string[] {
  return ["chroot", root, "/bin/sh", "-c", INIT_SCRIPT, "init", ...argv];
}

/**
 * The machine's launcher, its outermost process on the host, outside its
 * init: runs the boot (`"$@"`) again each time it ends with REBOOT_STATUS
 * (a reboot asked inside the machine), so a reboot needs no host daemon and
 * the machine reads `running` throughout; any other status (a halt's 0)
 * ends the machine with it. Each boot gets fresh namespaces and mounts.
 */
export const LAUNCHER_SCRIPT = `while :; do "$@"; status=$?; [ "$status" -eq ${REBOOT_STATUS} ] || exit "$status"; done`;

/** The argv that runs `argv` (one boot) under the launcher. */
export function launcherArgv(argv: readonly string[]): string[] {
  return ["/bin/sh", "-c", LAUNCHER_SCRIPT, "launcher", ...argv];
}
