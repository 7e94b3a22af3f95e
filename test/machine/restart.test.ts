/**
 * Restart=, RestartSec=, the start limit and TimeoutStartSec=: the rules as
 * tables, then the init running real processes on a clock the test moves,
 * so no test waits for a timer.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/host/index.js";
import {
  admitStart,
  describeExit,
  type ExitStatus,
  wantsRestart,
} from "../../src/machine/init/restart.js";
import type { RestartPolicy } from "../../src/machine/init/spec.js";
import { within } from "../../src/machine/init/supervisor.js";
import { waitFor } from "./harness.js";
import { initOn, unitStatus } from "./init-harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OK: ExitStatus = { code: 0, signal: null };
const FAIL: ExitStatus = { code: 1, signal: null };
const KILLED: ExitStatus = { code: null, signal: "SIGKILL" };

describe("Restart=", () => {
  const table: Array<[RestartPolicy, boolean, boolean, boolean]> = [
    // policy, after a clean exit, after a failure, after a signal
    ["no", false, false, false],
    ["always", true, true, true],
    ["on-success", true, false, false],
    ["on-failure", false, true, true],
    ["on-abnormal", false, false, true],
    ["on-abort", false, false, true],
    ["on-watchdog", false, false, false],
  ];
  it.each(table)("%s: clean %s, failed %s, killed %s", (policy, clean, failed, killed) => {
    expect([OK, FAIL, KILLED].map((exit) => wantsRestart(policy, exit))).toEqual([
      clean,
      failed,
      killed,
    ]);
  });

  it("says how the main process ended in systemd's words", () => {
    expect(describeExit(FAIL)).toEqual({
      how: "code=exited, status=1",
      reason: "main process exited with status 1",
    });
    expect(describeExit(KILLED)).toEqual({
      how: "code=killed, signal=KILL",
      reason: "main process killed by SIGKILL",
    });
  });
});

describe("the start limit", () => {
  const limit = { burst: 3, intervalMs: 10_000 };
  const table: Array<[string, number[], number, boolean, number[]]> = [
    ["admits the first start", [], 0, true, [0]],
    ["admits up to burst starts in the interval", [0, 1000], 2000, true, [0, 1000, 2000]],
    ["refuses one more", [0, 1000, 2000], 3000, false, [0, 1000, 2000]],
    ["forgets starts older than the interval", [0, 1000, 2000], 10_000, true, [1000, 2000, 10_000]],
  ];
  it.each(table)("%s", (_what, starts, now, ok, kept) => {
    expect(admitStart(starts, now, limit)).toEqual({ ok, starts: kept });
  });

  it("is off with an interval or a burst of 0", () => {
    expect(admitStart([0, 0, 0, 0], 0, { burst: 3, intervalMs: 0 }).ok).toBe(true);
    expect(admitStart([0, 0, 0, 0], 0, { burst: 0, intervalMs: 10_000 }).ok).toBe(true);
  });
});

describe("the one timeout race", () => {
  it("answers with the promise's value when it settles first, and cancels its timer", async () => {
    const clock = new ManualClock();
    expect(await within(Promise.resolve("ready"), 1000, clock)).toBe("ready");
    expect(clock.pending).toBe(0);
  });

  it("answers timeout once the clock passes the limit, not before", async () => {
    const clock = new ManualClock();
    let outcome: string | undefined;
    void within(new Promise<string>(() => {}), 1000, clock).then((v) => {
      outcome = v;
    });
    clock.advance(999);
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    clock.advance(1);
    await Promise.resolve();
    expect(outcome).toBe("timeout");
  });

  it("sets no timer for an infinite limit", async () => {
    const clock = new ManualClock();
    expect(await within(Promise.resolve(1), Number.POSITIVE_INFINITY, clock)).toBe(1);
    expect(clock.pending).toBe(0);
  });
});

describe("the init on a clock the test moves", () => {
  const HOUR = 3_600_000;
  const exitsCount = (dir: string, unit: string) =>
    (readJournal(dir, unit).match(/Main process exited/g) ?? []).length;
  const readJournal = (dir: string, unit: string) => {
    try {
      return readFileSync(join(dir, "journal", `${unit}.log`), "utf8");
    } catch {
      return ""; // nothing journalled yet
    }
  };

  it("restarts a failed service only once RestartSec= has passed", async () => {
    const clock = new ManualClock();
    const { init, dir } = initOn(
      cleanups,
      [],
      {
        "flaky.service":
          "[Service]\nExecStart=/bin/sh -c 'exit 1'\nRestart=on-failure\nRestartSec=1h\n",
      },
      clock,
    );
    expect(await init.start("flaky.service")).toBe(true);
    await waitFor("the first exit", () => unitStatus(init, "flaky.service").sub === "auto-restart");
    expect(unitStatus(init, "flaky.service")).toEqual({
      active: "activating",
      sub: "auto-restart",
      reason: "main process exited with status 1",
    });
    clock.advance(HOUR - 1);
    await new Promise((r) => setImmediate(r));
    expect(exitsCount(dir, "flaky.service")).toBe(1);
    clock.advance(1);
    await waitFor("the second exit", () => exitsCount(dir, "flaky.service") === 2);
    expect(readJournal(dir, "flaky.service")).toContain("Scheduled restart job");
  });

  it("fails a service that starts more often than StartLimitBurst= in StartLimitIntervalSec=", async () => {
    const clock = new ManualClock();
    const { init, dir } = initOn(
      cleanups,
      [],
      {
        "loop.service":
          "[Unit]\nStartLimitBurst=2\nStartLimitIntervalSec=1h\n" +
          "[Service]\nExecStart=/bin/sh -c 'exit 1'\nRestart=always\nRestartSec=1s\n",
      },
      clock,
    );
    expect(await init.start("loop.service")).toBe(true);
    await waitFor("the first exit", () => unitStatus(init, "loop.service").sub === "auto-restart");
    clock.advance(1000);
    await waitFor("the second exit", () => exitsCount(dir, "loop.service") === 2);
    await waitFor(
      "the second restart",
      () => unitStatus(init, "loop.service").sub === "auto-restart",
    );
    clock.advance(1000);
    await waitFor("the limit", () => unitStatus(init, "loop.service").sub === "failed");
    expect(unitStatus(init, "loop.service")).toEqual({
      active: "failed",
      sub: "failed",
      reason: "start request repeated too quickly",
    });
    // Once the interval is over, a start is admitted again.
    clock.advance(HOUR);
    expect(await init.start("loop.service")).toBe(true);
  });

  it("gives up on a Type=notify start after TimeoutStartSec= and stops its program", async () => {
    const fifoDir = mkdtempSync(join(tmpdir(), "shoal-restart-fifo-"));
    cleanups.push(async () => rmSync(fifoDir, { recursive: true, force: true }));
    const fifo = join(fifoDir, "never");
    execFileSync("mkfifo", [fifo]);
    const clock = new ManualClock();
    const { init } = initOn(
      cleanups,
      [
        {
          name: "slow.service",
          content: `[Service]\nType=notify\nTimeoutStartSec=1h\nExecStart=/bin/sh -c 'read _ < ${fifo}'\n`,
          prepare: ({ argv, env }) => ({ argv, env, notes: [], readyLine: /^ready$/ }),
        },
      ],
      {},
      clock,
    );
    const started = init.start("slow.service");
    await waitFor("the program to run", () => init.pids().length === 1);
    clock.advance(HOUR - 1);
    await new Promise((r) => setImmediate(r));
    expect(unitStatus(init, "slow.service")).toEqual({ active: "activating", sub: "start" });
    clock.advance(1);
    expect(await started).toBe(false);
    expect(unitStatus(init, "slow.service")).toMatchObject({
      active: "failed",
      reason: "start operation timed out",
    });
    expect(init.pids()).toEqual([]);
  });
});
