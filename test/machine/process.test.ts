import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveProgram, UnitFailure } from "../../src/machine/init/process.js";

const roots: string[] = [];
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});

function machine() {
  const root = mkdtempSync(join(tmpdir(), "shoal-prog-"));
  roots.push(root);
  mkdirSync(join(root, "opt/bin"), { recursive: true });
  writeFileSync(join(root, "opt/bin/tool"), "#!/bin/sh\n");
  chmodSync(join(root, "opt/bin/tool"), 0o755);
  writeFileSync(join(root, "opt/bin/plain"), "not executable\n");
  return {
    root,
    shoal: { argv: ["/usr/bin/node", "/shoal/bin.js"], commands: ["fleetctl", "machine"] },
  };
}

describe("resolveProgram", () => {
  it("finds a program the machine's own root has, before the host's", () => {
    const ctx = machine();
    expect(resolveProgram(["/opt/bin/tool", "-x"], ctx, "/usr/bin")).toEqual([
      join(ctx.root, "opt/bin/tool"),
      "-x",
    ]);
  });

  it("uses the host's program when the machine has none (process provider), and PATH for bare names", () => {
    const ctx = machine();
    expect(resolveProgram(["/bin/sh", "-c", "x"], ctx, "")).toEqual(["/bin/sh", "-c", "x"]);
    expect(resolveProgram(["sh"], ctx, "/usr/bin:/bin")[0]).toMatch(/\/sh$/);
  });

  it("runs `shoal X` as this shoal when it has command X", () => {
    const ctx = machine();
    expect(resolveProgram(["shoal", "fleetctl", "--x"], ctx, "")).toEqual([
      "/usr/bin/node",
      "/shoal/bin.js",
      "fleetctl",
      "--x",
    ]);
  });

  it.each([
    [["/usr/bin/docker", "daemon"], "program /usr/bin/docker not found on this machine"],
    [["/opt/bin/plain"], "program /opt/bin/plain not found on this machine"],
    [["flanneld"], "program flanneld not found on this machine"],
    [
      ["shoal", "locksmithd"],
      'program shoal locksmithd not found on this machine (this shoal has no "locksmithd" command)',
    ],
  ])("fails %j with the reason", (argv, reason) => {
    const ctx = machine();
    expect(() => resolveProgram(argv, ctx, "/usr/bin:/bin")).toThrow(UnitFailure);
    expect(() => resolveProgram(argv, ctx, "/usr/bin:/bin")).toThrow(reason);
  });
});
