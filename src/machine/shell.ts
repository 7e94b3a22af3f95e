import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machinePaths } from "./layout.js";

/** Single-quotes a word for /bin/sh. */
function sq(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Writes the machine's own commands into machineDir/bin: systemctl,
 * journalctl, fleetctl, locksmithctl, update_engine_client, reboot,
 * poweroff and halt run this shoal against this machine; etcdctl is
 * the real one (v3) with its endpoints preset to this machine's etcd.
 */
export function writeMachineBin(
  machineDir: string,
  shoalArgv: string[],
  etcdEndpoints: string[],
): string {
  const bin = machinePaths(machineDir).bin;
  mkdirSync(bin, { recursive: true });
  const shoal = shoalArgv.map(sq).join(" ");
  const scripts: Record<string, string> = {
    systemctl: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} machine systemctl "$@"`,
    journalctl: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} machine journalctl "$@"`,
    fleetctl: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} fleetctl "$@"`,
    locksmithctl: `LOCKSMITHCTL_ENDPOINT="\${LOCKSMITHCTL_ENDPOINT:-${etcdEndpoints.join(",")}}" SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} locksmithctl -- "$@"`,
    update_engine_client: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} update_engine_client -- "$@"`,
    etcdctl: `ETCDCTL_API="\${ETCDCTL_API:-3}" ETCDCTL_ENDPOINTS="\${ETCDCTL_ENDPOINTS:-${etcdEndpoints.join(",")}}" exec /usr/bin/etcdctl "$@"`,
    shoal: `exec ${shoal} "$@"`,
    // What users and locksmithd call: the machine's own power verbs, through its agent.
    reboot: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} machine systemctl reboot`,
    poweroff: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} machine systemctl poweroff`,
    halt: `SHOAL_MACHINE_DIR=${sq(machineDir)} exec ${shoal} machine systemctl halt`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  }
  return bin;
}

/** The environment the host gives a shell inside the machine (shoal ssh). */
export function machineShellEnv(machineDir: string, hostname: string): Record<string, string> {
  return {
    PATH: `${machinePaths(machineDir).bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOSTNAME: hostname,
    SHOAL_MACHINE_DIR: machineDir,
    ETCDCTL_API: "3",
  };
}
