import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  alive,
  type ProcessId,
  processId,
  readPid,
  writePid,
} from "../../src/cluster/providers/common/pids.js";
import { waitFor } from "../../src/host/index.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function idOf(pid: number | undefined): ProcessId {
  const id = pid === undefined ? undefined : processId(pid);
  if (!id) throw new Error(`no process ${pid}`);
  return id;
}

function child(argv: string[]) {
  const [file, ...args] = argv;
  const c = spawn(file as string, args, { stdio: "ignore" });
  cleanups.push(() => c.kill("SIGKILL"));
  return c;
}

describe("process identity (pid and start time)", () => {
  it("holds through a chain of execs, from the first to the last", async () => {
    // `ip netns exec` -> unshare -> sh -> chroot -> sh (the init) is such a chain; a check on the
    // command line (empty while in execve) once took a booting namespace machine for dead.
    const env = "/usr/bin/env";
    const c = child([env, env, env, env, env, env, env, env, "/bin/sleep", "30"]);
    const id = idOf(c.pid);
    // Whatever moments of the chain the polls happen to see, none may read as dead.
    const seenDead: string[] = [];
    const atSleep = await waitFor(
      () => {
        const cmdline = readFileSync(`/proc/${c.pid}/cmdline`, "utf8");
        if (!alive(id)) seenDead.push(JSON.stringify(cmdline));
        return cmdline.startsWith("/bin/sleep");
      },
      { timeoutMs: 10_000, intervalMs: 0 },
    );
    expect(atSleep).toBe(true);
    expect(seenDead).toEqual([]);
    // The identity taken before the chain names the process at its end.
    expect(processId(id.pid)).toEqual(id);
    expect(alive(id)).toBe(true);
    c.kill("SIGKILL");
    expect(await waitFor(() => !alive(id), { timeoutMs: 5_000 })).toBe(true);
  });

  it("does not take another process with the same pid for the recorded one", () => {
    const me = idOf(process.pid);
    expect(alive(me)).toBe(true);
    expect(alive({ pid: process.pid, start: me.start + 1 })).toBe(false);
    expect(processId(2 ** 22 + 1)).toBeUndefined();
  });

  it("round-trips through a pid file and refuses what is not one", () => {
    const dir = mkdtempSync(join(tmpdir(), "shoal-pids-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "provider.pid");
    writePid(file, { pid: 4242, start: 987654 });
    expect(readPid(file)).toEqual({ pid: 4242, start: 987654 });
    for (const text of ["4242\n", "", "x y\n", "-1 5\n"]) {
      writeFileSync(file, text);
      expect(readPid(file), JSON.stringify(text)).toBeUndefined();
    }
    expect(readPid(join(dir, "missing.pid"))).toBeUndefined();
  });
});
