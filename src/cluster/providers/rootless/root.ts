import {
  chmodSync,
  copyFileSync,
  type Dirent,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../../../host/index.js";
import { machinePaths } from "../../../machine/index.js";
import { ownUnitsDir } from "../common/agent.js";
import type { ClusterPlan, MachinePlan } from "../common/provider.js";
import { coreHome } from "../common/shell.js";
import {
  dirsWithSubmounts,
  hasMountsBelow,
  LAYERED,
  type Layered,
  type LayerKind,
  layerKinds,
  mountPoints,
  rootlessFstab,
} from "./fstab.js";

/**
 * Host directories whose tree is copied (directories only, to the depth
 * given: each directory costs a mkdir on the first boot, and a machine
 * writes to /usr/share and /var/lib, not deeper) into the machine's layer. Without
 * root, the host's directories belong to a user the machine's namespace
 * does not map, so the machine could not create a file in /etc/ssh or
 * /var/lib; an overlay takes a directory's owner from the upper layer,
 * where it is the machine's. Files are replaced by rename (cloud-config
 * writes that way), which needs only the directory.
 */
const MIRRORED: Readonly<Record<Layered, number>> = {
  etc: Number.POSITIVE_INFINITY,
  home: 0,
  run: 1,
  usr: 1,
  var: 2,
};

/** Where a machine's overlay work directories live (removed with the machine). */
export function overlayWork(machine: MachinePlan): string {
  return join(machine.dir, "overlay-work");
}

/**
 * Prepares on the host what the machine's boot script mounts: the work
 * directories, a skeleton of `/` (mount points and the host's top-level
 * symlinks such as bin -> usr/bin), the fstab, and the list of directories
 * the boot script creates in the machine's layer (one `mkdir -p` there, in
 * the machine's own process: a few hundred directories cost a first boot
 * ~0.3 ms each on ext4, which machines booting side by side share out).
 */
export function prepareRoot(
  cluster: ClusterPlan,
  machine: MachinePlan,
): { fstab: string; merged: string; upper: string; skeleton: string; slotMounted: boolean } {
  const upper = machinePaths(machine.dir).root;
  const work = overlayWork(machine);
  const merged = join(machine.dir, "merged");
  const hostDirs: string[] = [];
  mkdirSync(merged, { recursive: true });
  for (const entry of readdirSync("/", { withFileTypes: true })) {
    const at = join(merged, entry.name);
    if (entry.isDirectory()) {
      hostDirs.push(entry.name);
      mkdirSync(at, { recursive: true });
    } else if (entry.isSymbolicLink() && !lstatSync(at, { throwIfNoEntry: false })) {
      symlinkSync(readlinkSync(join("/", entry.name)), at);
    }
  }
  const points = mountPoints(readFileSync("/proc/self/mountinfo", "utf8"));
  const layers = layerKinds(dirsWithSubmounts(points, LAYERED));
  const splitChildren: Partial<Record<Layered, string[]>> = {};
  for (const dir of LAYERED) {
    mkdirSync(join(merged, dir), { recursive: true });
    const children = layers[dir] === "split" ? freeChildren(points, `/${dir}`) : [""];
    if (layers[dir] === "split") splitChildren[dir] = children;
    for (const child of children) mkdirSync(join(work, dir, child), { recursive: true });
  }
  const { dirs, unreadable } = hostSkeleton(layers);
  const skeleton = join(machine.dir, "skeleton");
  writeFileSync(skeleton, dirs.map((d) => `${d.slice(1)}\n`).join(""));
  if (layers.etc === "own") copyOnce(machine, "/etc", upper, ["/etc/systemd/system"]);
  mkdirSync(ownUnitsDir(machine), { recursive: true });
  coreHome(upper);
  const fstab = join(machine.dir, "fstab");
  const binds = [join(cluster.dir, ".shoal"), packageRoot(), ...resolverBind(layers)];
  writeFileSync(
    fstab,
    rootlessFstab({
      hostDirs,
      layers,
      splitChildren,
      upper,
      work,
      merged,
      unreadable,
      binds,
      slot: machinePaths(machine.dir).activeSlot,
    }),
  );
  return { fstab, merged, upper, skeleton, slotMounted: layers.usr === "overlay" };
}

let walked: { key: string; dirs: string[]; unreadable: string[] } | undefined;

/**
 * The host directories (of layered ones, down to their MIRRORED depth) to
 * recreate in a machine's layer, and the overlaid ones this user cannot
 * read. The same for every machine: walked once per process.
 */
function hostSkeleton(layers: Readonly<Record<Layered, LayerKind>>): {
  dirs: string[];
  unreadable: string[];
} {
  const key = JSON.stringify(layers);
  if (walked?.key === key) return walked;
  const dirs: string[] = [];
  const unreadable: string[] = [];
  const walk = (path: string, depth: number, overlaid: boolean) => {
    dirs.push(path);
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      if (overlaid) unreadable.push(path);
      return;
    }
    if (depth === 0) return;
    for (const entry of entries) {
      if (entry.isDirectory()) walk(join(path, entry.name), depth - 1, overlaid);
    }
  };
  for (const dir of LAYERED) walk(`/${dir}`, MIRRORED[dir], layers[dir] !== "own");
  walked = { key, dirs, unreadable };
  return walked;
}

/** The subdirectories of `dir` with no mount at or below them: each can take an overlay. */
function freeChildren(points: readonly string[], dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter(
        (name) => !points.includes(`${dir}/${name}`) && !hasMountsBelow(points, `${dir}/${name}`),
      );
  } catch {
    return [];
  }
}

/**
 * The host's resolver when /etc/resolv.conf points into /run (systemd-resolved's
 * stub) and the machine has a /run of its own: the machine shares the host's network.
 */
function resolverBind(layers: Readonly<Record<Layered, LayerKind>>): string[] {
  if (layers.run === "overlay") return [];
  try {
    const target = realpathSync("/etc/resolv.conf");
    return target.startsWith("/run/") ? [dirname(target)] : [];
  } catch {
    return [];
  }
}

/**
 * Copies what this user can read of a host directory into the machine's
 * layer, once (where overlayfs is refused), but none of `skip` (the host's
 * enabled services are not the machine's). Links stay links; what cannot
 * be read is left out, as it would be unreadable in the machine too.
 */
function copyOnce(machine: MachinePlan, from: string, layer: string, skip: string[]): void {
  const done = join(machine.dir, `copied${from.replaceAll("/", "-")}`);
  if (existsSync(done)) return;
  const copy = (src: string, dst: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(src, { withFileTypes: true });
    } catch {
      return;
    }
    mkdirSync(dst, { recursive: true });
    for (const entry of entries) {
      const [s, d] = [join(src, entry.name), join(dst, entry.name)];
      try {
        if (skip.includes(s)) continue;
        if (entry.isDirectory()) copy(s, d);
        else if (entry.isSymbolicLink()) {
          if (!lstatSync(d, { throwIfNoEntry: false })) symlinkSync(readlinkSync(s), d);
        } else if (entry.isFile() && !existsSync(d)) copyFileSync(s, d);
      } catch {
        // unreadable to this user: not part of the machine
      }
    }
  };
  copy(from, join(layer, from));
  writeFileSync(done, "");
}

/**
 * overlayfs leaves its work directories without permissions (mode 000);
 * their owner may still change that, so that removing the machine works.
 */
export function unlockOverlayWork(machine: MachinePlan): void {
  const visit = (dir: string) => {
    try {
      chmodSync(dir, 0o700);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) visit(join(dir, entry.name));
      }
    } catch {
      // gone, or another user's: removal will say so
    }
  };
  visit(overlayWork(machine));
}
