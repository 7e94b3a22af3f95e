/**
 * Built-in units run as tasks of the agent (no process of their own):
 * started and stopped like any unit, journalled under the unit, Restart=
 * when the task fails, stopped through an AbortSignal, killed after
 * TimeoutStopSec= when they ignore it, and a failure stays the unit's.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/host/index.js";
import type { BuiltinUnit, ServiceIO } from "../../src/machine/units/index.js";
import { journalOf, waitFor } from "./harness.js";
import { initOn, unitStatus } from "./init-harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));

/** A built-in whose task is `run`, with `unit` as the rest of its [Service] section. */
function service(
  name: string,
  run: (io: ServiceIO) => Promise<void>,
  unit = "",
  head = "",
): BuiltinUnit {
  return {
    name,
    content: `[Unit]\nDescription=${name} in the agent\n${head}[Service]\nExecStart=shoal ${name}\n${unit}`,
    run,
  };
}

describe("in-process services", () => {
  it("start and stop like any unit: journalled, env from the unit, stopped by the abort signal, no pid of their own", async () => {
    const seen: { env?: Record<string, string>; aborted?: boolean } = {};
    const { init, dir, journal } = initOn(cleanups, [
      service(
        "engine.service",
        async ({ env, signal, log, ctx }) => {
          seen.env = env;
          log(`checking for ${ctx.hostname}`);
          await untilAborted(signal);
          seen.aborted = signal.aborted;
          log("stopping on request");
        },
        "Environment=GROUP=beta\n",
      ),
    ]);
    expect(await init.start("engine.service")).toBe(true);
    expect(unitStatus(init, "engine.service")).toEqual({ active: "active", sub: "running" });
    expect(init.unitState("engine.service").mainPid).toBe(process.pid);
    expect(init.pids()).toEqual([]);
    expect(seen.env?.GROUP).toBe("beta");
    expect(seen.env?.SHOAL_MACHINE_DIR).toBe(dir);

    await init.stop("engine.service");
    expect(seen.aborted).toBe(true);
    expect(unitStatus(init, "engine.service")).toEqual({ active: "inactive", sub: "dead" });
    await journal.flush();
    const lines = journalOf(dir, "engine.service");
    expect(lines).toContain("checking for core-01");
    expect(lines).toContain("stopping on request");
    expect(lines).toContain("Stopped engine.service in the agent.");
  });

  it("a task that throws fails its unit, with the error in its journal; the others run on", async () => {
    const { init, dir, journal } = initOn(cleanups, [
      service("calm.service", async ({ signal }) => untilAborted(signal)),
      service("bad.service", async () => {
        await new Promise((r) => setImmediate(r));
        throw new Error("no server configured");
      }),
    ]);
    expect(await init.start("calm.service")).toBe(true);
    expect(await init.start("bad.service")).toBe(true);
    await waitFor("bad.service to fail", () => unitStatus(init, "bad.service").active === "failed");
    expect(unitStatus(init, "bad.service")).toEqual({
      active: "failed",
      sub: "failed",
      reason: "main process exited with status 1",
    });
    expect(unitStatus(init, "calm.service")).toEqual({ active: "active", sub: "running" });
    await journal.flush();
    expect(journalOf(dir, "bad.service")).toMatch(
      /Error: no server configured[\s\S]*Main process exited, code=exited, status=1/,
    );
  });

  it("a task that returns leaves its unit inactive, as a clean exit does", async () => {
    const { init } = initOn(cleanups, [service("once.service", async () => {})]);
    expect(await init.start("once.service")).toBe(true);
    await waitFor("the end", () => unitStatus(init, "once.service").sub === "dead");
    expect(unitStatus(init, "once.service")).toEqual({ active: "inactive", sub: "dead" });
  });

  it("Restart=on-failure runs the task again once RestartSec= has passed", async () => {
    const clock = new ManualClock();
    let runs = 0;
    const { init } = initOn(
      cleanups,
      [
        service(
          "flaky.service",
          async ({ signal }) => {
            runs++;
            if (runs === 1) throw new Error("first run fails");
            await untilAborted(signal);
          },
          "Restart=on-failure\nRestartSec=30s\n",
        ),
      ],
      {},
      clock,
    );
    expect(await init.start("flaky.service")).toBe(true);
    await waitFor(
      "the restart wait",
      () => unitStatus(init, "flaky.service").sub === "auto-restart",
    );
    clock.advance(29_999);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    clock.advance(1);
    await waitFor("the second run", () => unitStatus(init, "flaky.service").sub === "running");
    expect(runs).toBe(2);
  });

  it("a task that ignores the abort is given up after TimeoutStopSec=, its killed signal aborted", async () => {
    const clock = new ManualClock();
    let killed: AbortSignal | undefined;
    const { init, dir, journal } = initOn(
      cleanups,
      [
        service(
          "stubborn.service",
          (io) => {
            killed = io.killed;
            return new Promise<void>(() => {});
          },
          "TimeoutStopSec=1h\n",
        ),
      ],
      {},
      clock,
    );
    expect(await init.start("stubborn.service")).toBe(true);
    let stopped = false;
    const stop = init.stop("stubborn.service").then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(unitStatus(init, "stubborn.service").active).toBe("deactivating");
    expect(killed?.aborted).toBe(false);
    clock.advance(3_600_000);
    await stop;
    expect(killed?.aborted).toBe(true);
    expect(unitStatus(init, "stubborn.service")).toEqual({ active: "inactive", sub: "dead" });
    await journal.flush();
    expect(journalOf(dir, "stubborn.service")).toContain(
      "State 'stop-sigterm' timed out. Killing.",
    );
  });

  it("systemctl kill: a handled signal reaches the task, SIGTERM stops it, SIGKILL and unhandled ones end it", async () => {
    const heard: string[] = [];
    const killedSeen: boolean[] = [];
    const listening = async ({ signal, killed, onSignal, log }: ServiceIO) => {
      onSignal("SIGHUP", () => heard.push("SIGHUP"));
      onSignal("SIGUSR1", () => {
        throw new Error("dump failed");
      });
      await untilAborted(signal);
      killedSeen.push(killed.aborted);
      log("unwound");
    };
    const { init, dir, journal } = initOn(cleanups, [
      service("ear.service", listening),
      service("deaf.service", listening),
      service("gone.service", async () => {}),
    ]);
    const start = async (name: string) => {
      expect(await init.start(name)).toBe(true);
      expect(unitStatus(init, name)).toEqual({ active: "active", sub: "running" });
    };
    await start("ear.service");
    init.kill("ear.service", "SIGHUP");
    init.kill("ear.service", "SIGWINCH"); // ignored by default, as by a process
    expect(heard).toEqual(["SIGHUP"]);
    expect(() => init.kill("ear.service", "SIGSTOP")).toThrow(
      "Failed to kill unit ear.service: SIGSTOP would pause a process, and ear.service runs inside the agent",
    );
    expect(unitStatus(init, "ear.service")).toEqual({ active: "active", sub: "running" });
    init.kill("ear.service", "SIGTERM");
    await waitFor("ear to stop", () => unitStatus(init, "ear.service").sub !== "running");
    expect(unitStatus(init, "ear.service")).toMatchObject({
      active: "failed",
      reason: "main process killed by SIGTERM",
    });
    expect(killedSeen).toEqual([false]);

    // A throw from a handler fails the unit, as a throw from the task's timers does.
    await start("ear.service");
    init.kill("ear.service", "SIGUSR1");
    await waitFor("ear to fail", () => unitStatus(init, "ear.service").active === "failed");
    expect(unitStatus(init, "ear.service").reason).toBe("main process exited with status 1");

    await start("deaf.service");
    init.kill("deaf.service", "SIGUSR2");
    await waitFor("deaf to end", () => unitStatus(init, "deaf.service").active === "failed");
    expect(unitStatus(init, "deaf.service").reason).toBe("main process killed by SIGUSR2");
    // The failed task was given up (killed aborted), as was the one SIGUSR2 ended.
    expect(killedSeen).toEqual([false, true, true]);

    await start("deaf.service");
    init.kill("deaf.service", "SIGKILL");
    await waitFor("deaf to end", () => unitStatus(init, "deaf.service").active === "failed");
    expect(unitStatus(init, "deaf.service").reason).toBe("main process killed by SIGKILL");

    expect(await init.start("gone.service")).toBe(true);
    await waitFor("gone to end", () => unitStatus(init, "gone.service").sub === "dead");
    expect(() => init.kill("gone.service", "SIGHUP")).toThrow(
      "Failed to kill unit gone.service: No process to kill",
    );
    await journal.flush();
    expect(journalOf(dir, "ear.service")).toContain("Error: dump failed");
  });

  it("systemctl kill sends a process unit's group the signal; Restart= takes it from there", async () => {
    const { init } = initOn(cleanups, [], {
      "sleeper.service": "[Service]\nExecStart=/bin/sleep 60\n",
    });
    expect(await init.start("sleeper.service")).toBe(true);
    init.kill("sleeper.service", "SIGUSR1");
    await waitFor("sleeper to end", () => unitStatus(init, "sleeper.service").active === "failed");
    expect(unitStatus(init, "sleeper.service").reason).toBe("main process killed by SIGUSR1");
  });

  it("a halt stops them in reverse start order, each after what started later", async () => {
    const order: string[] = [];
    const stopsLast =
      (name: string) =>
      async ({ signal }: ServiceIO) => {
        await untilAborted(signal);
        order.push(name);
      };
    const { init } = initOn(cleanups, [
      service("first.service", stopsLast("first.service")),
      service("second.service", stopsLast("second.service"), "", "After=first.service\n"),
    ]);
    expect(await init.start("first.service")).toBe(true);
    expect(await init.start("second.service")).toBe(true);
    await init.halt();
    expect(order).toEqual(["second.service", "first.service"]);
  });

  it("a unit file in the machine's root replaces the built-in, task and all", async () => {
    let ran = false;
    const { init } = initOn(
      cleanups,
      [
        service("engine.service", async () => {
          ran = true;
        }),
      ],
      { "engine.service": "[Service]\nExecStart=/bin/sleep 60\n" },
    );
    expect(await init.start("engine.service")).toBe(true);
    expect(ran).toBe(false);
    expect(init.pids()).toHaveLength(1);
  });

  it("a throw from a task's timer, or its unhandled rejection, fails that unit, not the agent's process", () => {
    const script = fileURLToPath(new URL("./in-process-agent.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out.boom).toEqual({
      active: "failed",
      sub: "failed",
      reason: "main process exited with status 1",
    });
    expect(out.stray).toEqual(out.boom);
    expect(out.calm).toEqual({ active: "active", sub: "running" });
    expect(out.journal).toContain("Error: boom in a timer");
    expect(out.strayJournal).toContain("Error: a rejection nobody handles");
  });
});
