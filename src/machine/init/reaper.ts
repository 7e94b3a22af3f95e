import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

/** What the supervisor tells about the process groups of the units it starts. */
export interface UnitGroups {
  add(pgid: number): void;
  remove(pgid: number): void;
}

/**
 * A machine with its own PID namespace needs no reaper: its PID 1 (the
 * providers' init) exits when the agent does, however it dies, and the
 * kernel then kills everything left in the namespace.
 */
export const pidNamespaceGroups: UnitGroups = { add() {}, remove() {} };

/**
 * Kills every unit's process group when the agent dies, however it dies.
 * `setpriv --pdeathsig` only reaches a unit's main process; what it forked
 * (`sh -c 'a & b'`) would be orphaned. A tiny shell waits on a pipe from
 * the agent: the kernel closes the pipe when the agent exits, even on
 * SIGKILL, and the shell then kills each process group listed in `file`.
 */
export class GroupReaper implements UnitGroups {
  private readonly groups = new Set<number>();
  private readonly watcher: ChildProcess;

  constructor(private readonly file: string) {
    this.save();
    this.watcher = spawn(
      "/bin/sh",
      ["-c", 'read _; for g in $(cat "$1"); do kill -9 "-$g" 2>/dev/null; done', "reaper", file],
      { stdio: ["pipe", "ignore", "ignore"], detached: true, env: { PATH: "/usr/bin:/bin" } },
    );
    this.watcher.stdin?.on("error", () => {});
    this.watcher.unref();
  }

  add(pgid: number): void {
    this.groups.add(pgid);
    this.save();
  }

  remove(pgid: number): void {
    if (this.groups.delete(pgid)) this.save();
  }

  /** After a clean halt: the watcher kills what is left (nothing, normally) and exits. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.watcher.exitCode !== null || this.watcher.signalCode !== null) resolve();
      else this.watcher.once("exit", () => resolve());
    });
    this.watcher.stdin?.end();
    await exited;
    rmSync(this.file, { force: true });
  }

  private save(): void {
    writeFileSync(this.file, [...this.groups].map((g) => `${g}\n`).join(""));
  }
}
