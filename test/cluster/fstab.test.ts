import { describe, expect, it } from "vitest";
import { fstabField } from "../../src/cluster/providers/common/fstab.js";
import { machineFstab } from "../../src/cluster/providers/namespace/fstab.js";

describe("a namespace machine's fstab", () => {
  it.each([
    ["/tmp/plain", "/tmp/plain"],
    ["/home/me/my cluster", "/home/me/my\\040cluster"],
    ["/a\tb", "/a\\011b"],
    ["/a\nb", "/a\\012b"],
    ["/a\\b", "/a\\134b"],
  ])("escapes %j as fstab(5) wants", (value, field) => {
    expect(fstabField(value)).toBe(field);
  });

  it("puts the overlay first, then the slot's overlay on /usr and what is mounted inside it, one entry per line", () => {
    const dir = "/home/me/my cluster/.shoal/machines/core-01";
    const text = machineFstab({
      upper: `${dir}/root`,
      work: `${dir}/overlay-work`,
      workUsr: `${dir}/overlay-work-usr`,
      merged: `${dir}/merged`,
      machineDir: dir,
      slot: `${dir}/slots/active`,
    });
    const d = "/home/me/my\\040cluster/.shoal/machines/core-01";
    expect(text.split("\n")).toEqual([
      `overlay ${d}/merged overlay lowerdir=/,upperdir=${d}/root,workdir=${d}/overlay-work 0 0`,
      `overlay ${d}/merged/usr overlay lowerdir=${d}/slots/active:/usr,upperdir=${d}/root/usr,workdir=${d}/overlay-work-usr 0 0`,
      `${d}/root/etc/systemd/system ${d}/merged/etc/systemd/system none bind 0 0`,
      `proc ${d}/merged/proc proc defaults 0 0`,
      `/dev ${d}/merged/dev none rbind 0 0`,
      `/sys ${d}/merged/sys none rbind 0 0`,
      `${d} ${d}/merged${d} none bind 0 0`,
      "",
    ]);
  });
});
