import { join } from "node:path";

/** Where things live in a machine directory; every path of one comes from here (docs/machine.md). */
export function machinePaths(machineDir: string) {
  return {
    dir: machineDir,
    configDrive: join(machineDir, "config-drive"),
    userData: join(machineDir, "config-drive", "openstack", "latest", "user_data"),
    metaData: join(machineDir, "config-drive", "openstack", "latest", "meta_data.json"),
    root: join(machineDir, "root"),
    journal: join(machineDir, "journal"),
    console: join(machineDir, "console.log"),
    socket: join(machineDir, "agent.sock"),
    pid: join(machineDir, "agent.pid"),
    /** Written when the agent finished a halt: the host tells `poweroff` from `aborted` by it. */
    shutdown: join(machineDir, "shutdown"),
    /** The unit process groups, for the reaper that kills them should the agent die. */
    unitGroups: join(machineDir, "unit-groups"),
    /** systemctl, journalctl, etcdctl, fleetctl wrappers for the machine's shell. */
    bin: join(machineDir, "bin"),
    /** The host pid (and start time) of the machine's outermost process, written by its provider. */
    providerPid: join(machineDir, "provider.pid"),
    /** Namespace provider: the overlay's work directory and merged `/`, and the mounts that build it. */
    overlayWork: join(machineDir, "overlay-work"),
    merged: join(machineDir, "merged"),
    fstab: join(machineDir, "fstab"),
    /** USR-A and USR-B (`slots/a`, `slots/b`) and their table, kept across reboots. */
    slots: join(machineDir, "slots"),
    /** A link to the slot this boot runs (`a` or `b`): what the launcher lays over /usr. */
    activeSlot: join(machineDir, "slots", "active"),
    /**
     * The units cloud-config started that were not active when the last good
     * boot completed: a trial boot of a new slot is not held to them.
     */
    goodBoot: join(machineDir, "slots", "good-boot.json"),
    /** Namespace provider: the work directory of the overlay on /usr (the slot under the machine's layer). */
    overlayWorkUsr: join(machineDir, "overlay-work-usr"),
    /** update-engine's control socket, where the machine's update_engine_client talks. */
    updateEngineSocket: join(machineDir, "update-engine.sock"),
    /** The update server's release signing key (SPKI PEM), put on the config drive by the host. */
    updateKey: join(machineDir, "config-drive", "shoal", "update-key.pem"),
  };
}

/** The unit directories of a machine root, in precedence order (/etc over /run). */
export function unitDirs(root: string): { etc: string; run: string } {
  return {
    etc: inRoot(root, "/etc/systemd/system"),
    run: inRoot(root, "/run/systemd/system"),
  };
}

/** A path inside the machine, as seen from the host. */
export function inRoot(root: string, path: string): string {
  return root === "/" ? path : join(root, path);
}
