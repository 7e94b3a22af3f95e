import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Plan, PlannedUnit } from "../../src/cloudconfig/index.js";
import { applyPlan, writeImageFiles, writeMachineFile } from "../../src/machine/apply.js";

const roots: string[] = [];
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});
function root(): string {
  const d = mkdtempSync(join(tmpdir(), "shoal-root-"));
  roots.push(d);
  return d;
}

const u = (over: Partial<PlannedUnit> & { name: string }): PlannedUnit => ({
  dropIns: [],
  runtime: false,
  mask: false,
  enable: false,
  ...over,
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe("applyPlan", () => {
  it("writes files with their modes and parents 0755, and queues commands in order", () => {
    const r = root();
    const plan: Plan = {
      files: [
        { path: "/opt/bin/tool", mode: 0o755, content: "#!/bin/sh\n" },
        { path: "/etc/secret", mode: 0o600, content: new Uint8Array([1, 2, 3]) },
      ],
      units: [
        u({ name: "a.service", command: "start" }),
        u({ name: "b.service" }),
        u({ name: "c.service", command: "stop" }),
      ],
      users: [],
    };
    const result = applyPlan(r, plan);
    expect(mode(join(r, "opt/bin/tool"))).toBe(0o755);
    expect(mode(join(r, "opt/bin"))).toBe(0o755);
    expect(mode(join(r, "etc/secret"))).toBe(0o600);
    expect([...readFileSync(join(r, "etc/secret"))]).toEqual([1, 2, 3]);
    expect(result.commands).toEqual([
      { unit: "a.service", command: "start" },
      { unit: "c.service", command: "stop" },
    ]);
  });

  it("puts units and drop-ins under /etc, or /run when runtime; masks; unmasks a runtime unit", () => {
    const r = root();
    writeMachineFile(r, "/run/systemd/system/old.service", "", 0o644); // an empty file masks
    applyPlan(r, {
      files: [],
      users: [],
      units: [
        u({
          name: "a.service",
          content: "[Service]\nExecStart=/bin/true\n",
          dropIns: [{ name: "10-x.conf", content: "[Service]\n" }],
        }),
        u({
          name: "etcd2.service",
          runtime: true,
          dropIns: [
            { name: "20-cloudinit.conf", content: '[Service]\nEnvironment="ETCD_NAME=x"\n' },
          ],
        }),
        u({ name: "m.service", mask: true }),
        u({ name: "old.service", runtime: true }),
      ],
    });
    expect(readFileSync(join(r, "etc/systemd/system/a.service"), "utf8")).toBe(
      "[Service]\nExecStart=/bin/true\n",
    );
    expect(mode(join(r, "etc/systemd/system/a.service"))).toBe(0o644);
    expect(readFileSync(join(r, "etc/systemd/system/a.service.d/10-x.conf"), "utf8")).toBe(
      "[Service]\n",
    );
    expect(
      readFileSync(join(r, "run/systemd/system/etcd2.service.d/20-cloudinit.conf"), "utf8"),
    ).toContain("ETCD_NAME=x");
    expect(readlinkSync(join(r, "etc/systemd/system/m.service"))).toBe("/dev/null");
    expect(() => lstatSync(join(r, "run/systemd/system/old.service"))).toThrow();
  });

  it("enables a unit into its WantedBy targets, from its content or the file already there", () => {
    const r = root();
    writeMachineFile(
      r,
      "/etc/systemd/system/pre.service",
      "[Install]\nWantedBy=multi-user.target\n",
      0o644,
    );
    const result = applyPlan(r, {
      files: [],
      users: [],
      units: [
        u({
          name: "s.socket",
          enable: true,
          content: "[Socket]\nListenStream=1\n[Install]\nWantedBy=sockets.target\n",
        }),
        u({ name: "pre.service", enable: true }),
        u({ name: "ghost.service", enable: true }),
      ],
    });
    expect(readlinkSync(join(r, "etc/systemd/system/sockets.target.wants/s.socket"))).toBe(
      join(r, "etc/systemd/system/s.socket"),
    );
    expect(readlinkSync(join(r, "etc/systemd/system/multi-user.target.wants/pre.service"))).toBe(
      join(r, "etc/systemd/system/pre.service"),
    );
    expect(result.notes).toEqual([
      "ghost.service: cannot enable a unit this machine does not have",
    ]);
  });
});

describe("writeImageFiles", () => {
  it("carries the update channel in update.conf, without overwriting a machine's own update.conf", () => {
    const r = root();
    writeImageFiles(r, { hostname: "core-01", machineId: "abc", updateChannel: "alpha" });
    expect(readFileSync(join(r, "usr/share/coreos/update.conf"), "utf8")).toMatch(/^GROUP=alpha$/m);
    expect(readFileSync(join(r, "etc/coreos/update.conf"), "utf8")).toBe("GROUP=alpha\n");
    expect(readFileSync(join(r, "etc/machine-id"), "utf8")).toBe("abc\n");
    writeFileSync(join(r, "etc/coreos/update.conf"), "GROUP=beta\nREBOOT_STRATEGY=off\n");
    writeImageFiles(r, { hostname: "core-01", machineId: "abc", updateChannel: "alpha" });
    expect(readFileSync(join(r, "etc/coreos/update.conf"), "utf8")).toBe(
      "GROUP=beta\nREBOOT_STRATEGY=off\n",
    );
  });
});
