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
  LAYERED,
  type Layered,
  type LayerKind,
  layerKinds,
  rootlessFstab,
} from "./fstab.js";

/**
 * Host directories whose tree is copied (directories only, to the depth
 * given: /usr is too large to copy whole) into the machine's layer. Without
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
  usr: 2,
  var: Number.POSITIVE_INFINITY,
};

/** Where a machine's overlay work directories live (removed with the machine). */
export function overlayWork(machine: MachinePlan): string {
  return join(machine.dir, "overlay-work");
}

/**
 * Prepares on the host what the machine's boot script mounts: the layer
 * and work directories, a skeleton of `/` (mount points and the host's
 * top-level symlinks such as bin -> usr/bin), and the fstab. Idempotent.
 */
export function prepareRoot(
  cluster: ClusterPlan,
  machine: MachinePlan,
): { fstab: string; merged: string } {
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
  const layers = layerKinds(
    dirsWithSubmounts(readFileSync("/proc/self/mountinfo", "utf8"), LAYERED),
  );
  const unreadable: string[] = [];
  for (const dir of LAYERED) {
    mkdirSync(join(merged, dir), { recursive: true });
    if (layers[dir] === "host") continue;
    mkdirSync(join(work, dir), { recursive: true });
    const closed = mirrorDirectories(`/${dir}`, upper, MIRRORED[dir]);
    if (layers[dir] === "overlay") unreadable.push(...closed);
  }
  if (layers.etc === "own") copyOnce(machine, "/etc", join(upper, "etc"));
  mkdirSync(ownUnitsDir(machine), { recursive: true });
  coreHome(upper);
  const fstab = join(machine.dir, "fstab");
  const binds = [join(cluster.dir, ".shoal"), packageRoot(), ...resolverBind(layers)];
  writeFileSync(fstab, rootlessFstab({ hostDirs, layers, upper, work, merged, unreadable, binds }));
  return { fstab, merged };
}

/**
 * Creates in `layer` every directory under the host's `path` (down to
 * `depth`), and returns those this user cannot read (created all the same).
 */
function mirrorDirectories(path: string, layer: string, depth: number): string[] {
  mkdirSync(join(layer, path), { recursive: true });
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return [path];
  }
  if (depth === 0) return [];
  return entries
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => mirrorDirectories(join(path, entry.name), layer, depth - 1));
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
 * layer, once (where overlayfs is refused). Links stay links; what cannot
 * be read is left out, as it would be unreadable in the machine too.
 */
function copyOnce(machine: MachinePlan, from: string, to: string): void {
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
        if (entry.isDirectory()) copy(s, d);
        else if (entry.isSymbolicLink()) {
          if (!lstatSync(d, { throwIfNoEntry: false })) symlinkSync(readlinkSync(s), d);
        } else if (entry.isFile() && !existsSync(d)) copyFileSync(s, d);
      } catch {
        // unreadable to this user: not part of the machine
      }
    }
  };
  copy(from, to);
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
