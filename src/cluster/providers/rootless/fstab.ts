import { type FstabEntry, renderFstab } from "../common/fstab.js";

/** The host directories a rootless machine writes to: the machine's own layer over each. */
export const LAYERED = ["etc", "home", "run", "usr", "var"] as const;
export type Layered = (typeof LAYERED)[number];

/**
 * How a layered directory is made: `overlay` (the host's directory with the
 * machine's layer on top), `own` (the machine's layer alone: a copy, or a
 * directory of its own), or `split` (the host's directory as it is, with an
 * overlay on each of its subdirectories that has no mount below it).
 */
export type LayerKind = "overlay" | "own" | "split";

/**
 * Where overlayfs is refused, what stands in: overlayfs inside a user
 * namespace cannot take a lower directory that has mounts under it (the
 * kernel locks them), as /run (/run/user, /run/netns) nearly always has.
 * /etc is then copied (the machine needs its users, certificates and
 * resolver), /home, /run and /var are the machine's own, and /usr (too
 * large to copy, and the machine's programs) is split.
 */
export const FALLBACK: Readonly<Record<Layered, LayerKind>> = {
  etc: "own",
  home: "own",
  run: "own",
  usr: "split",
  var: "own",
};

/** The kind for each layered directory, given the host directories that have mounts under them. */
export function layerKinds(
  withSubmounts: ReadonlySet<string>,
): Readonly<Record<Layered, LayerKind>> {
  return Object.fromEntries(
    LAYERED.map((dir) => [
      dir,
      dir === "run" || withSubmounts.has(dir) ? FALLBACK[dir] : "overlay",
    ]),
  ) as Record<Layered, LayerKind>;
}

export interface RootlessRoot {
  /** The directories at the host's `/` (symlinks and files left out). */
  hostDirs: readonly string[];
  layers: Readonly<Record<Layered, LayerKind>>;
  /** For a `split` directory, its subdirectories that get an overlay (names, not paths). */
  splitChildren: Readonly<Partial<Record<Layered, readonly string[]>>>;
  /** The machine's own layer (machineDir/root): upper/etc over the host's /etc, and so on. */
  upper: string;
  /** overlayfs's work directories, one per overlaid directory, on upper's filesystem. */
  work: string;
  /** Where the machine's `/` is assembled. */
  merged: string;
  /**
   * Overlaid host directories this user cannot read (/var/lib/etcd of the
   * host's etcd package): overlayfs could not list them, so the machine's
   * own directory from its layer is bound over each.
   */
  unreadable: readonly string[];
  /** Host paths the machine sees at the same place: the cluster's .shoal/, shoal itself. */
  binds: readonly string[];
  /**
   * The /usr slot this boot runs (slots/active), laid under the machine's
   * layer when /usr is an overlay; a split /usr leaves it out.
   */
  slot: string;
}

/**
 * A rootless machine's root, made inside its own user namespace. overlayfs
 * there refuses `/` itself as a lower layer, so the root is assembled per
 * directory: the host's directories bound as they are, the layered ones as
 * `layers` says (overlays with `userxattr`: the kernel keeps overlay
 * metadata in user.* attributes, as it must without root), an empty /tmp,
 * a fresh /proc for the machine's PID namespace, its own
 * /etc/systemd/system only, and the binds (created where missing).
 */
export function rootlessFstab(root: RootlessRoot): string {
  const { hostDirs, layers, splitChildren, upper, work, merged, unreadable, binds, slot } = root;
  const overlay = (path: string): FstabEntry => [
    "overlay",
    `${merged}${path}`,
    "overlay",
    `userxattr,lowerdir=${path === "/usr" ? `${slot}:` : ""}${path},upperdir=${upper}${path},workdir=${work}${path}`,
  ];
  const layered = new Set<string>(LAYERED);
  const entries: FstabEntry[] = [];
  for (const dir of hostDirs) {
    if (dir !== "proc" && dir !== "tmp" && !layered.has(dir)) {
      entries.push([`/${dir}`, `${merged}/${dir}`, "none", "rbind"]);
    }
  }
  for (const dir of LAYERED) {
    const at = `${merged}/${dir}`;
    const kind = layers[dir];
    if (kind === "overlay") {
      entries.push(overlay(`/${dir}`));
    } else if (kind === "own") {
      entries.push([`${upper}/${dir}`, at, "none", "bind"]);
    } else {
      entries.push([`/${dir}`, at, "none", "rbind"]);
      for (const child of splitChildren[dir] ?? []) entries.push(overlay(`/${dir}/${child}`));
    }
  }
  for (const path of unreadable)
    entries.push([`${upper}${path}`, `${merged}${path}`, "none", "bind"]);
  entries.push(
    ["tmpfs", `${merged}/tmp`, "tmpfs", "nosuid,nodev,mode=1777"],
    ["proc", `${merged}/proc`, "proc", "nosuid,nodev,noexec"],
    [`${upper}/etc/systemd/system`, `${merged}/etc/systemd/system`, "none", "bind"],
  );
  for (const path of binds) {
    entries.push([path, `${merged}${path}`, "none", "bind,X-mount.mkdir"]);
  }
  return renderFstab(entries);
}

/** The mount points in /proc/self/mountinfo's text (field 5, octal escapes kept). */
export function mountPoints(mountinfo: string): string[] {
  return mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => Boolean(point));
}

/** Whether some mount point lies strictly below `dir`. */
export function hasMountsBelow(points: readonly string[], dir: string): boolean {
  return points.some((point) => point.startsWith(`${dir}/`));
}

/** The top-level directories (of `candidates`) that have a mount point somewhere below them. */
export function dirsWithSubmounts(
  points: readonly string[],
  candidates: readonly string[],
): Set<string> {
  return new Set(candidates.filter((dir) => hasMountsBelow(points, `/${dir}`)));
}
