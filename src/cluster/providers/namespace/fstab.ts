/**
 * The mounts that make a namespace machine's root, as one fstab for a
 * single `mount -a -T FILE` in its boot script: one process instead of
 * one per mount, on a host where each exec costs tens of milliseconds
 * while machines boot side by side.
 */
import { unitDirs } from "../../../machine/index.js";
import { type FstabEntry, renderFstab } from "../common/fstab.js";

export interface MachineRoot {
  /** The machine's own layer (machineDir/root). */
  upper: string;
  /** overlayfs's work directory, on the same filesystem as upper. */
  work: string;
  /** The work directory of the overlay on /usr. */
  workUsr: string;
  /** The /usr slot this boot runs (slots/active, a link the mount resolves). */
  slot: string;
  /** Where the machine's `/` is assembled. */
  merged: string;
  /** The machine directory, bound at its own path so the host sees agent.sock and the journal. */
  machineDir: string;
}

/**
 * A namespace machine's root: an overlay over the host's `/` with the machine's layer on top, its own
 * /etc/systemd/system only (the host's enabled services are not the
 * machine's), a fresh /proc, the host's /dev and /sys, and the machine
 * directory itself. Its /usr is the active slot over the host's /usr,
 * under the machine's own layer (`upper/usr`): a release's /usr/bin/etcd is
 * the machine's etcd; each boot mounts the slot it runs.
 */
export function machineFstab(root: MachineRoot): string {
  const { upper, work, workUsr, merged, machineDir, slot } = root;
  return renderFstab([
    ["overlay", merged, "overlay", `lowerdir=/,upperdir=${upper},workdir=${work}`],
    [
      "overlay",
      `${merged}/usr`,
      "overlay",
      `lowerdir=${slot}:/usr,upperdir=${upper}/usr,workdir=${workUsr}`,
    ],
    [unitDirs(upper).etc, unitDirs(merged).etc, "none", "bind"],
    ["proc", `${merged}/proc`, "proc", "defaults"],
    ["/dev", `${merged}/dev`, "none", "rbind"],
    ["/sys", `${merged}/sys`, "none", "rbind"],
    [machineDir, `${merged}${machineDir}`, "none", "bind"],
  ] satisfies FstabEntry[]);
}
