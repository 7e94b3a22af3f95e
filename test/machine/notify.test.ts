/**
 * Type=notify in shoal's init: a start is done when the program says it is
 * ready (the line a built-in names, where it would send READY=1), and After=
 * units wait for that, as systemd's jobs do. Real processes, no etcd: a
 * shell that says "ready" when the test writes to its FIFO.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { BuiltinUnit } from "../../src/machine/units/index.js";
import { alive, waitFor } from "./harness.js";
import { initOn, unitStatus } from "./init-harness.js";

/** A Type=notify built-in that prints `ready` once a line arrives on `fifo`, then keeps running. */
function notifyUnit(name: string, fifo: string, extra = ""): BuiltinUnit {
  return {
    name,
    content: `[Service]\nType=notify\nExecStart=/bin/sh -c 'echo starting; read _ < ${fifo}; echo ready; exec sleep 600'\n${extra}`,
    prepare: ({ argv, env }) => ({ argv, env, notes: [], readyLine: /^ready$/ }),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function machine(builtins: BuiltinUnit[], unitFiles: Record<string, string> = {}) {
  return initOn(cleanups, builtins, unitFiles).init;
}

/** A FIFO the test writes to when a unit should become ready (or never does). */
function fifo(): string {
  const dir = mkdtempSync(join(tmpdir(), "shoal-notify-fifo-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "go");
  execFileSync("mkfifo", [path]);
  return path;
}

const state = unitStatus;

describe("Type=notify units", () => {
  it("are started once ready, and After= units start only then", async () => {
    const go = fifo();
    const init = machine([notifyUnit("db.service", go)], {
      "app.service": "[Unit]\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 600\n",
    });

    let dbStarted: boolean | undefined;
    const db = init.start("db.service").then((ok) => {
      dbStarted = ok;
      return ok;
    });
    await waitFor("db.service to be running its program", () => init.pids().length === 1);
    expect(state(init, "db.service")).toEqual({ active: "activating", sub: "start" });

    // Another job on a unit ordered after db waits for db to be ready.
    let appStarted: boolean | undefined;
    const app = init.start("app.service").then((ok) => {
      appStarted = ok;
      return ok;
    });
    await new Promise((r) => setImmediate(r));
    expect(state(init, "app.service")).toEqual({ active: "inactive", sub: "dead" });
    expect([dbStarted, appStarted]).toEqual([undefined, undefined]);

    writeFileSync(go, "go\n");
    expect(await db).toBe(true);
    expect(state(init, "db.service")).toEqual({ active: "active", sub: "running" });
    expect(await app).toBe(true);
    expect(state(init, "app.service")).toEqual({ active: "active", sub: "running" });
  });

  it("fail when the program exits before it is ready, with its status", async () => {
    const init = machine([
      {
        name: "dies.service",
        content: "[Service]\nType=notify\nExecStart=/bin/sh -c 'echo starting; exit 3'\n",
        prepare: ({ argv, env }) => ({ argv, env, notes: [], readyLine: /^ready$/ }),
      },
    ]);
    expect(await init.start("dies.service")).toBe(false);
    expect(state(init, "dies.service")).toEqual({
      active: "failed",
      sub: "failed",
      reason: "main process exited with status 3",
    });
  });

  it("are stopped at once when stopped while starting (the stop replaces the start)", async () => {
    const m = machine([notifyUnit("stuck.service", fifo())]);
    const starting = m.start("stuck.service");
    await waitFor("stuck.service to be running its program", () => m.pids().length === 1);
    const [pid] = m.pids();
    await m.stop("stuck.service");
    expect(await starting).toBe(false);
    expect(state(m, "stuck.service")).toEqual({ active: "inactive", sub: "dead" });
    expect(alive(pid as number)).toBe(false);
  });

  it("without a ready line (a user's own unit) count as started once running, as before", async () => {
    const init = machine([], {
      "own.service": "[Service]\nType=notify\nExecStart=/bin/sleep 600\n",
    });
    expect(await init.start("own.service")).toBe(true);
    expect(state(init, "own.service")).toEqual({ active: "active", sub: "running" });
  });
});
