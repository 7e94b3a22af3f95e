import { describe, expect, it } from "vitest";
import {
  dirsWithSubmounts,
  layerKinds,
  mountPoints,
  rootlessFstab,
} from "../../src/cluster/providers/rootless/fstab.js";

const MOUNTINFO = [
  "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
  "23 22 0:21 / /proc rw,nosuid shared:2 - proc proc rw",
  "24 22 0:5 / /dev rw,nosuid shared:3 - devtmpfs udev rw",
  "30 22 0:26 / /home rw,relatime shared:9 - ext4 /dev/vdb rw",
  "31 22 0:27 / /run/user/1000 rw,nosuid shared:10 - tmpfs tmpfs rw",
  "32 22 0:4 net:[4026532] /run/netns/shoal-abc rw shared:11 - nsfs nsfs rw",
  "33 22 0:28 / /var/lib/docker\\040data rw shared:12 - ext4 /dev/vdc rw",
].join("\n");

describe("a rootless machine's root", () => {
  it("finds the directories with mounts below them; a directory that is itself a mount does not count", () => {
    const points = mountPoints(MOUNTINFO);
    expect(points).toContain("/var/lib/docker\\040data");
    expect(dirsWithSubmounts(points, ["etc", "home", "run", "usr", "var"])).toEqual(
      new Set(["run", "var"]),
    );
    expect(dirsWithSubmounts(points, ["etc", "usr"])).toEqual(new Set());
  });

  it.each([
    [[], { etc: "overlay", home: "overlay", run: "own", usr: "overlay", var: "overlay" }],
    [["var"], { etc: "overlay", home: "overlay", run: "own", usr: "overlay", var: "own" }],
    [["etc", "usr", "home"], { etc: "own", home: "own", run: "own", usr: "split", var: "overlay" }],
  ])("with mounts under %j, layers are %j", (submounts, kinds) => {
    expect(layerKinds(new Set(submounts))).toEqual(kinds);
  });

  it("binds the host's other directories, layers the rest, and mounts /tmp, /proc and the binds", () => {
    const m = "/home/me/my cluster/.shoal/machines/core-01";
    const text = rootlessFstab({
      hostDirs: ["bin", "dev", "etc", "home", "proc", "run", "sys", "tmp", "usr", "var", "work"],
      layers: { etc: "overlay", home: "own", run: "own", usr: "split", var: "overlay" },
      splitChildren: { usr: ["bin", "share"] },
      upper: `${m}/root`,
      work: `${m}/overlay-work`,
      merged: `${m}/merged`,
      unreadable: ["/var/lib/etcd"],
      binds: ["/home/me/my cluster/.shoal", "/opt/shoal"],
      slot: `${m}/slots/active`,
    });
    const e = "/home/me/my\\040cluster/.shoal/machines/core-01";
    const layers = (dir: string) =>
      `userxattr,lowerdir=/${dir},upperdir=${e}/root/${dir},workdir=${e}/overlay-work/${dir}`;
    expect(text.split("\n")).toEqual([
      `/bin ${e}/merged/bin none rbind 0 0`,
      `/dev ${e}/merged/dev none rbind 0 0`,
      `/sys ${e}/merged/sys none rbind 0 0`,
      `/work ${e}/merged/work none rbind 0 0`,
      `overlay ${e}/merged/etc overlay ${layers("etc")} 0 0`,
      `${e}/root/home ${e}/merged/home none bind 0 0`,
      `${e}/root/run ${e}/merged/run none bind 0 0`,
      `/usr ${e}/merged/usr none rbind 0 0`,
      `overlay ${e}/merged/usr/bin overlay ${layers("usr/bin")} 0 0`,
      `overlay ${e}/merged/usr/share overlay ${layers("usr/share")} 0 0`,
      `overlay ${e}/merged/var overlay ${layers("var")} 0 0`,
      `${e}/root/var/lib/etcd ${e}/merged/var/lib/etcd none bind 0 0`,
      `tmpfs ${e}/merged/tmp tmpfs nosuid,nodev,mode=1777 0 0`,
      `proc ${e}/merged/proc proc nosuid,nodev,noexec 0 0`,
      `${e}/root/etc/systemd/system ${e}/merged/etc/systemd/system none bind 0 0`,
      `/home/me/my\\040cluster/.shoal ${e}/merged/home/me/my\\040cluster/.shoal none bind,X-mount.mkdir 0 0`,
      `/opt/shoal ${e}/merged/opt/shoal none bind,X-mount.mkdir 0 0`,
      "",
    ]);
  });

  it("lays the active /usr slot under the machine's layer when /usr is an overlay", () => {
    const m = "/m";
    const text = rootlessFstab({
      hostDirs: ["usr"],
      layers: { etc: "own", home: "own", run: "own", usr: "overlay", var: "own" },
      splitChildren: {},
      upper: `${m}/root`,
      work: `${m}/overlay-work`,
      merged: `${m}/merged`,
      unreadable: [],
      binds: [],
      slot: `${m}/slots/active`,
    });
    expect(text).toContain(
      `overlay /m/merged/usr overlay userxattr,lowerdir=/m/slots/active:/usr,upperdir=/m/root/usr,workdir=/m/overlay-work/usr 0 0\n`,
    );
  });
});
