import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CommandError,
  isDebianLike,
  osRelease,
  privileges,
  run,
  stateDir,
  which,
} from "../../src/host/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("which", () => {
  it("finds executables only, in PATH order", () => {
    const a = mkdtempSync(join(tmpdir(), "shoal-which-"));
    const b = mkdtempSync(join(tmpdir(), "shoal-which-"));
    dirs.push(a, b);
    writeFileSync(join(a, "tool"), "not executable");
    writeFileSync(join(b, "tool"), "#!/bin/sh\n");
    chmodSync(join(b, "tool"), 0o755);
    expect(which("tool", `${a}:${b}`)).toBe(join(b, "tool"));
    expect(which("tool", a)).toBeUndefined();
    expect(which("tool", "")).toBeUndefined();
  });
});

describe("run", () => {
  it("captures output", async () => {
    await expect(run(["sh", "-c", "echo out; echo err >&2"])).resolves.toEqual({
      stdout: "out\n",
      stderr: "err\n",
      code: 0,
    });
  });

  it("keeps argv, exit code and stderr when a command fails", async () => {
    const err = await run(["sh", "-c", "echo one >&2; echo two >&2; exit 3"]).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ code: 3, argv: ["sh", "-c", expect.any(String)] });
    expect(err.tail(1)).toBe("two");
  });

  it("reports a command that cannot start", async () => {
    const err = await run(["/nonexistent/shoal-tool"]).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toContain("could not start");
  });
});

describe("stateDir", () => {
  it("follows SHOAL_STATE_DIR, then XDG_STATE_HOME, then HOME", () => {
    expect(stateDir({ SHOAL_STATE_DIR: "/s", XDG_STATE_HOME: "/x", HOME: "/h" })).toBe("/s");
    expect(stateDir({ XDG_STATE_HOME: "/x", HOME: "/h" })).toBe("/x/shoal");
    expect(stateDir({ HOME: "/h" })).toBe("/h/.local/state/shoal");
  });
});

describe("privileges", () => {
  it("reads uid and effective capabilities", () => {
    expect(privileges("Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n")).toEqual({
      root: true,
      capSysAdmin: true,
      capNetAdmin: true,
    });
    // CAP_NET_ADMIN (bit 12) only
    expect(privileges("Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000001000\n")).toEqual({
      root: false,
      capSysAdmin: false,
      capNetAdmin: true,
    });
  });
});

describe("osRelease", () => {
  it("parses quoted fields and recognises Debian derivatives", () => {
    const ubuntu = osRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n');
    expect(ubuntu.NAME).toBe("Ubuntu");
    expect(isDebianLike(ubuntu)).toBe(true);
    expect(isDebianLike(osRelease("ID=fedora\n"))).toBe(false);
    expect(isDebianLike(osRelease("ID=linuxmint\nID_LIKE='ubuntu debian'\n"))).toBe(true);
  });
});
