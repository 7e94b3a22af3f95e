/**
 * The service supervisor: runs a service's Exec*= lines and its main
 * process, waits for a Type=notify service's ready line, stops it (ExecStop=,
 * SIGTERM, SIGKILL after TimeoutStopSec=) and kills what it left behind.
 * It never changes a unit's state itself: it reports each step to the
 * init through `emit`, and the init applies the transition.
 */
import type { Clock } from "../../host/index.js";
import { inRoot } from "../layout.js";
import type { MachineContext } from "../units/index.js";
import { BASE_PATH, type ExecEnvironment } from "./environment.js";
import { startInProcess } from "./in-process.js";
import type { Journal } from "./journal.js";
import type { LoadedUnit } from "./load.js";
import { type Proc, resolveProgram, signalGroup, spawnUnitProcess } from "./process.js";
import type { UnitGroups } from "./reaper.js";
import type { ExitStatus } from "./restart.js";
import type { UnitSpec } from "./spec.js";
import type { UnitEvent } from "./state.js";

/** How a Type=notify start's wait ended. */
export type Readiness = "ready" | "exited" | "cancelled" | "timeout";

/** What the supervisor keeps of one unit: its processes, and a readiness wait in progress. */
export interface SupervisedUnit {
  readonly name: string;
  loaded: LoadedUnit;
  main?: Proc;
  helpers: Set<Proc>;
  /** Process groups started for the unit (one per process it ran), killed when it stops. */
  groups: Set<number>;
  /** Sees each output line of the unit's processes (the readiness watch). */
  watch?: (line: string) => void;
  /** While a Type=notify start waits for readiness: settles when it is over. */
  activation?: Promise<Readiness>;
  /** Ends that wait early: a stop job replaces a pending start, as in systemd. */
  cancelStart?: () => void;
}

export interface SupervisorOptions<U extends SupervisedUnit> {
  ctx: MachineContext;
  exec: ExecEnvironment;
  journal: Journal;
  /** Kills what unit processes forked, should the agent die without a halt. */
  reaper: UnitGroups;
  clock: Clock;
  /** A step of a start: the init applies it to the unit's state. */
  emit(unit: U, event: UnitEvent): void;
  /** The main process ended (on its own, or killed by a stop). */
  onMainExit(unit: U, proc: Proc, exit: ExitStatus): void;
}

/** A start that did not bring the unit up; with `reason`, the init records it as a failure. */
export type StartOutcome = { ok: true } | { ok: false; reason?: string };

/** p's value, or "timeout" once `ms` passed on `clock` (never, for Infinity). */
export function within<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T | "timeout"> {
  if (!Number.isFinite(ms)) return p;
  return new Promise((resolve, reject) => {
    const cancel = clock.after(ms, () => resolve("timeout"));
    p.then(
      (v) => {
        cancel();
        resolve(v);
      },
      (err) => {
        cancel();
        reject(err);
      },
    );
  });
}

export class Supervisor<U extends SupervisedUnit> {
  constructor(private readonly o: SupervisorOptions<U>) {}

  /** ExecStartPre=, ExecStart= (by Type=), ExecStartPost=. Throws UnitFailure when a program is missing. */
  async start(unit: U, spec: UnitSpec): Promise<StartOutcome> {
    this.o.emit(unit, { type: "start-pre" });
    const env = this.o.exec.variables(unit.name, spec);
    for (const line of spec.execStartPre) {
      if (!(await this.runHelper(unit, spec, line, env)))
        return { ok: false, reason: `ExecStartPre failed: ${line}` };
    }
    if (spec.type === "oneshot" || spec.type === "forking") {
      this.o.emit(unit, { type: "start" });
      for (const line of spec.execStart) {
        if (!(await this.runHelper(unit, spec, line, env)))
          return { ok: false, reason: `ExecStart failed: ${line}` };
      }
      const remains = spec.remainAfterExit || spec.type === "forking";
      this.o.emit(unit, remains ? { type: "started", sub: "exited" } : { type: "finished" });
    } else {
      const outcome = await this.startMain(unit, spec, env);
      if (!outcome.ok) return outcome;
    }
    for (const line of spec.execStartPost) {
      if (!(await this.runHelper(unit, spec, line, env)))
        return { ok: false, reason: `ExecStartPost failed: ${line}` };
    }
    this.say(unit, `Started ${spec.description ?? unit.name}.`);
    return { ok: true };
  }

  private async startMain(
    unit: U,
    spec: UnitSpec,
    env: Record<string, string>,
  ): Promise<StartOutcome> {
    const line = spec.execStart[0];
    if (!line) return { ok: false, reason: "the service has no ExecStart=" };
    const main = this.o.exec.prepareMain(unit.loaded, line, env, (note) => this.say(unit, note));
    const service = unit.loaded.builtin?.run;
    const proc = service
      ? startInProcess(service, {
          env: main.env,
          ctx: this.o.ctx,
          log: (l) => this.o.journal.write(unit.name, l, process.pid),
        })
      : this.spawn(unit, main.argv, main.env, spec);
    unit.main = proc;
    void proc.exited.then((exit) => this.o.onMainExit(unit, proc, exit));
    // Type=notify: started means ready (etcd: joined its cluster), so After= units wait for it.
    if (spec.type === "notify" && main.readyLine) {
      this.o.emit(unit, { type: "start" });
      const outcome = await this.untilReady(unit, spec, proc, main.readyLine);
      if (outcome === "timeout") {
        this.say(unit, "start operation timed out. Terminating.");
        await this.terminate(unit, proc, spec.timeoutStopSec);
        this.o.emit(unit, { type: "reason", reason: "start operation timed out" });
      }
      // Exited: the init recorded the failure (or the restart); cancelled: a stop is next.
      if (outcome !== "ready") return { ok: false };
    }
    this.o.emit(unit, { type: "started", sub: "running" });
    return { ok: true };
  }

  /** Waits for the ready line, the main process's end, a cancelling stop or TimeoutStartSec=. */
  private untilReady(unit: U, spec: UnitSpec, proc: Proc, readyLine: RegExp): Promise<Readiness> {
    let settle: (outcome: Readiness) => void = () => {};
    const signalled = new Promise<Readiness>((resolve) => {
      settle = resolve;
    });
    const watch = (line: string) => {
      if (readyLine.test(line)) settle("ready");
    };
    const cancel = () => settle("cancelled");
    void proc.exited.then(() => settle("exited"));
    const activation = within(signalled, spec.timeoutStartSec, this.o.clock);
    unit.watch = watch;
    unit.cancelStart = cancel;
    unit.activation = activation;
    void activation.then(() => {
      // A later start may have installed its own watch by now: leave that one alone.
      if (unit.watch === watch) unit.watch = undefined;
      if (unit.cancelStart === cancel) unit.cancelStart = undefined;
      if (unit.activation === activation) unit.activation = undefined;
    });
    return activation;
  }

  /** ExecStop=, the main process terminated, ExecStopPost=; every process of the unit is gone after. */
  async stop(unit: U, spec: UnitSpec): Promise<void> {
    try {
      const env = this.o.exec.variables(unit.name, spec);
      if (unit.main) env.MAINPID = String(unit.main.pid);
      for (const line of spec.execStop)
        await this.runHelper(unit, spec, line, env, spec.timeoutStopSec);
      if (unit.main) await this.terminate(unit, unit.main, spec.timeoutStopSec);
      for (const line of spec.execStopPost)
        await this.runHelper(unit, spec, line, env, spec.timeoutStopSec);
    } catch (err) {
      this.say(unit, `stop: ${(err as Error).message}`);
    } finally {
      await this.killAll(unit);
      unit.main = undefined;
    }
  }

  /** SIGTERM to the unit's process groups, SIGKILL after the grace period. */
  private async terminate(unit: U, main: Proc, graceMs: number): Promise<void> {
    for (const g of unit.groups) signalGroup(g, "SIGTERM");
    main.inProcess?.abort("stop");
    if ((await within(main.exited, graceMs, this.o.clock)) === "timeout") {
      this.say(unit, `State 'stop-sigterm' timed out. Killing.`);
      if (main.inProcess) main.inProcess.abort("kill");
      else signalGroup(main.pid, "SIGKILL");
      await main.exited;
    }
  }

  /**
   * `systemctl kill`: the signal to each of the unit's process groups and to
   * its in-process task; false when the task cannot take it (a pausing signal).
   */
  kill(unit: U, signal: NodeJS.Signals): boolean {
    for (const g of unit.groups) signalGroup(g, signal);
    return unit.main?.inProcess?.signal(signal) ?? true;
  }

  /** SIGKILL to every process group of the unit (as systemd does once its main process is gone). */
  killGroups(unit: U): void {
    for (const g of unit.groups) {
      signalGroup(g, "SIGKILL");
      this.o.reaper.remove(g);
    }
    unit.groups.clear();
  }

  /** Kills every process of the unit and waits until each is gone. */
  async killAll(unit: U): Promise<void> {
    const procs = [...unit.helpers, ...(unit.main ? [unit.main] : [])];
    unit.main?.inProcess?.abort("kill");
    this.killGroups(unit);
    await Promise.all(procs.map((p) => p.exited));
  }

  private spawn(unit: U, argv: string[], env: Record<string, string>, spec: UnitSpec): Proc {
    const { root } = this.o.ctx;
    const proc = spawnUnitProcess(resolveProgram(argv, this.o.ctx, env.PATH ?? BASE_PATH), {
      env,
      cwd: spec.workingDirectory ? inRoot(root, spec.workingDirectory) : root,
      onLine: (line, pid) => {
        this.o.journal.write(unit.name, line, pid);
        unit.watch?.(line);
      },
    });
    // The group outlives the process when it forked: it belongs to the unit until the unit stops.
    unit.groups.add(proc.pid);
    this.o.reaper.add(proc.pid);
    return proc;
  }

  /** Runs one Exec*= line to completion; false when it failed (and was not `-`-prefixed). */
  private async runHelper(
    unit: U,
    spec: UnitSpec,
    line: string,
    env: Record<string, string>,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<boolean> {
    const cmd = this.o.exec.command(unit.name, line, env);
    const proc = this.spawn(unit, cmd.argv, env, spec);
    unit.helpers.add(proc);
    try {
      const result = await within(proc.exited, timeoutMs, this.o.clock);
      if (result === "timeout") {
        signalGroup(proc.pid, "SIGKILL");
        await proc.exited;
      }
      const ok = result !== "timeout" && result.code === 0;
      if (!ok && !cmd.ignoreFailure) {
        const how =
          result === "timeout" ? "timed out" : `exited with ${result.signal ?? result.code}`;
        this.say(unit, `${cmd.argv.join(" ")}: ${how}`);
      }
      return ok || cmd.ignoreFailure;
    } finally {
      unit.helpers.delete(proc);
    }
  }

  private say(unit: U, message: string): void {
    this.o.journal.write(unit.name, message);
  }
}
