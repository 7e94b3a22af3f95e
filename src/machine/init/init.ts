import { InputError } from "../../errors/index.js";
import { type Clock, systemClock } from "../../host/index.js";
import type { UnitState } from "../control/types.js";
import { MachineError } from "../errors.js";
import type { BuiltinUnit, MachineContext } from "../units/index.js";
import { ExecEnvironment, type MainExec } from "./environment.js";
import type { Journal } from "./journal.js";
import { enabledUnits, type LoadedUnit, listUnitFiles, loadUnit } from "./load.js";
import { haltOrder, startOrder } from "./order.js";
import type { Proc } from "./process.js";
import type { UnitGroups } from "./reaper.js";
import { admitStart, describeExit, type ExitStatus, isClean, wantsRestart } from "./restart.js";
import { needsStop, newRuntime, type Runtime, serialize } from "./runtime.js";
import { socketFailure } from "./socket.js";
import { INITIAL, isDown, isRestartPending, transition, type UnitEvent } from "./state.js";
import { Supervisor } from "./supervisor.js";

export interface InitOptions {
  ctx: MachineContext;
  journal: Journal;
  builtins: ReadonlyMap<string, BuiltinUnit>;
  /** Directory of the machine's own commands (systemctl, journalctl, etcdctl), first on PATH. */
  binDir: string;
  /** The agent's own log (console.log). */
  log: (message: string) => void;
  /** Kills what unit processes forked, should the agent die without a halt. */
  reaper: UnitGroups;
  /**
   * Where the machine's own unit files are read: its own layer (machineDir/root),
   * so a host's /etc/systemd/system never leaks into a machine whose / is an
   * overlay over the host's.
   */
  unitRoot: string;
  /** RestartSec=, TimeoutStartSec=, TimeoutStopSec= and the start limit run on it. */
  clock?: Clock;
}

/**
 * A small systemd: loads units from the machine root, starts them in
 * dependency order, supervises their processes (restart policies), stops
 * them with ExecStop and a grace period. Every unit process is started
 * under `setpriv --pdeathsig KILL` so it dies with the agent. A unit's
 * state changes only in `apply`, through state.ts's `transition`.
 */
export class Init {
  private readonly units = new Map<string, Runtime>();
  /** Units in the order they became active, for stopping in reverse. */
  private readonly activeOrder: string[] = [];
  private halted = false;
  private readonly clock: Clock;
  private readonly exec: ExecEnvironment;
  private readonly supervisor: Supervisor<Runtime>;

  constructor(private readonly opts: InitOptions) {
    this.clock = opts.clock ?? systemClock;
    this.exec = new ExecEnvironment(opts.ctx, opts.binDir);
    this.supervisor = new Supervisor<Runtime>({
      ctx: opts.ctx,
      exec: this.exec,
      journal: opts.journal,
      reaper: opts.reaper,
      clock: this.clock,
      emit: (unit, event) => this.apply(unit, event),
      onMainExit: (unit, proc, exit) => this.onMainExit(unit, proc, exit),
    });
  }

  /** The one place a unit's state changes. */
  private apply(rt: Runtime, event: UnitEvent): void {
    rt.status = transition(rt.status, event);
    if (rt.status.active === "active" && !this.activeOrder.includes(rt.name))
      this.activeOrder.push(rt.name);
  }

  private fail(rt: Runtime, reason: string): false {
    this.apply(rt, { type: "failed", reason });
    this.say(rt.name, `Failed to start ${rt.name}: ${reason}`);
    this.opts.log(`[FAILED] ${rt.name}: ${reason}`);
    return false;
  }

  private runtime(name: string): Runtime {
    let rt = this.units.get(name);
    if (!rt) {
      rt = newRuntime(name, this.load(name));
      this.units.set(name, rt);
    }
    return rt;
  }

  private load(name: string): LoadedUnit {
    return loadUnit(this.opts.unitRoot, name, this.opts.builtins);
  }

  private say(unit: string, message: string): void {
    this.opts.journal.write(unit, message);
  }

  /** Every unit this machine knows: built-ins, unit files, and any unit that was asked for. */
  status(): UnitState[] {
    const names = new Set([
      ...this.opts.builtins.keys(),
      ...listUnitFiles(this.opts.unitRoot),
      ...this.units.keys(),
    ]);
    return [...names].sort().map((name) => this.unitState(name));
  }

  unitState(name: string): UnitState {
    const rt = this.units.get(name);
    const loaded = rt?.loaded ?? this.load(name);
    const { active, sub, reason: failed } = rt?.status ?? INITIAL;
    const state: UnitState = { name, load: loaded.load, active, sub };
    const description = loaded.spec?.description;
    if (description) state.description = description;
    const reason = failed ?? (loaded.load !== "loaded" ? loaded.reason : undefined);
    if (reason) state.reason = reason;
    if (rt?.main) state.mainPid = rt.main.pid;
    return state;
  }

  /** Starts a unit and what it Requires/Wants, in After/Before order. Resolves true when it is up. */
  async start(name: string): Promise<boolean> {
    if (this.halted) throw new MachineError("the machine is halting");
    // Units not running are read again, so new files and drop-ins count: once per start job.
    const fresh = new Set<string>();
    const order = startOrder(name, (n) => {
      const known = this.units.has(n);
      const rt = this.runtime(n);
      if (!fresh.has(n) && isDown(rt.status)) {
        if (known) rt.loaded = this.load(n);
        fresh.add(n);
      }
      return rt.loaded.spec;
    });
    let ok = true;
    for (const n of order) {
      const rt = this.runtime(n);
      const up = await serialize(rt, () => this.startOne(rt, fresh.has(n)));
      if (n === name) ok = up;
    }
    return ok;
  }

  async stop(name: string): Promise<void> {
    const rt = this.runtime(name);
    rt.cancelStart?.();
    await serialize(rt, () => this.stopOne(rt));
  }

  /** Stops a unit and forgets it (its file is going away). */
  async remove(name: string): Promise<void> {
    await this.stop(name);
    this.units.delete(name);
    const i = this.activeOrder.indexOf(name);
    if (i >= 0) this.activeOrder.splice(i, 1);
  }

  async restart(name: string): Promise<boolean> {
    await this.stop(name);
    return this.start(name);
  }

  /**
   * `systemctl kill -s SIGNAL`: the signal to every process of the unit (its
   * Restart= decides what follows should they end). An in-process service
   * gets it through its handler.
   */
  kill(name: string, signal: NodeJS.Signals): void {
    const rt = this.units.get(name);
    if (!rt || (!rt.main && rt.groups.size === 0))
      throw new MachineError(`Failed to kill unit ${name}: No process to kill`);
    if (!this.supervisor.kill(rt, signal))
      throw new MachineError(
        `Failed to kill unit ${name}: ${signal} would pause a process, and ${name} runs inside the agent`,
      );
  }

  /** systemctl's job verbs, as cloud-config's `command:` uses them. */
  async command(name: string, verb: string): Promise<boolean> {
    switch (verb) {
      case "start":
        return this.start(name);
      case "stop":
        await this.stop(name);
        return true;
      case "restart":
      case "reload":
      case "reload-or-restart":
        return this.restart(name);
      case "try-restart":
      case "reload-or-try-restart":
        return this.runtime(name).status.active === "active" ? this.restart(name) : true;
      default:
        throw new InputError(`unknown command "${verb}" for ${name}`);
    }
  }

  /** Reaches the boot target, then starts what it wants (units enabled on an earlier boot). */
  async startEnabled(): Promise<void> {
    await this.start("multi-user.target");
    for (const name of enabledUnits(this.opts.unitRoot)) await this.start(name);
  }

  /** Starts the built-ins the image enables (`enabled`), unless masked or replaced by nothing. */
  async startImageUnits(): Promise<void> {
    for (const b of this.opts.builtins.values())
      if (b.enabled && this.load(b.name).load === "loaded") await this.start(b.name);
  }

  /** One start job; `loaded`: the unit was read for this job already. */
  private async startOne(rt: Runtime, loaded = false): Promise<boolean> {
    if (this.halted) return false;
    if (rt.status.active === "active" || (rt.status.active === "activating" && rt.main))
      return true;
    rt.cancelRestart?.();
    if (!loaded) rt.loaded = this.load(rt.name);
    this.apply(rt, { type: "begin" });
    const unit = rt.loaded;
    if (unit.load === "masked") {
      this.say(rt.name, `Failed to start ${rt.name}: unit is masked`);
      this.apply(rt, { type: "reason", reason: unit.reason ?? "masked" });
      return false;
    }
    if (unit.load !== "loaded" || !unit.spec) return this.fail(rt, unit.reason ?? "not loaded");
    const spec = unit.spec;
    // After= orders jobs, not only one transaction's: wait out a unit still becoming ready.
    for (const dep of spec.after) await this.units.get(dep)?.activation;
    for (const dep of spec.requires) {
      const d = this.units.get(dep);
      if (!d || d.status.active === "failed" || d.loaded.load !== "loaded")
        return this.fail(
          rt,
          `dependency ${dep} failed: ${d?.status.reason ?? d?.loaded.reason ?? "not started"}`,
        );
    }
    for (const other of spec.conflicts) {
      const o = this.units.get(other);
      if (o && o.name !== rt.name && (o.main || o.status.active === "active")) {
        this.say(rt.name, `Stopping ${other}, which conflicts with ${rt.name}.`);
        await this.stopOne(o);
      }
    }
    const admitted = admitStart(rt.starts, this.clock.now(), spec.startLimit);
    rt.starts = admitted.starts;
    if (!admitted.ok) return this.fail(rt, "start request repeated too quickly");
    try {
      switch (spec.kind) {
        case "target":
          this.apply(rt, { type: "started", sub: "active" });
          return true;
        case "socket":
          return this.fail(
            rt,
            socketFailure(rt.name, spec, (n) => this.load(n), this.exec, this.opts.ctx),
          );
        case "service": {
          const outcome = await this.supervisor.start(rt, spec);
          if (outcome.ok) return true;
          return outcome.reason === undefined ? false : this.fail(rt, outcome.reason);
        }
        default:
          return this.fail(rt, `.${spec.kind} units are not supported by shoal's init`);
      }
    } catch (err) {
      await this.supervisor.killAll(rt);
      return this.fail(rt, (err as Error).message);
    }
  }

  private onMainExit(rt: Runtime, proc: Proc, exit: ExitStatus): void {
    if (rt.main !== proc) return;
    rt.main = undefined;
    if (rt.stopping) return;
    // As systemd does when the main process exits: what it left behind goes too.
    this.supervisor.killGroups(rt);
    const { how, reason } = describeExit(exit);
    this.say(rt.name, `Main process exited, ${how}`);
    this.apply(rt, { type: "main-exited", clean: isClean(exit), reason });
    const spec = rt.loaded.spec;
    if (!spec || !wantsRestart(spec.restart, exit) || this.halted) return;
    this.apply(rt, { type: "auto-restart" });
    rt.cancelRestart = this.clock.after(spec.restartSec, () => {
      rt.cancelRestart = undefined;
      this.say(rt.name, `Scheduled restart job, restart counter is at ${rt.starts.length}.`);
      void serialize(rt, async () => {
        if (!isRestartPending(rt.status)) return false;
        this.apply(rt, { type: "restart-due" });
        return this.startOne(rt);
      });
    });
  }

  private async stopOne(rt: Runtime): Promise<void> {
    rt.cancelRestart?.();
    rt.cancelRestart = undefined;
    const spec = rt.loaded.spec;
    if (!spec || (rt.main === undefined && rt.status.active !== "active")) {
      await this.supervisor.killAll(rt);
      this.apply(rt, { type: "stop-idle" });
      return;
    }
    rt.stopping = true;
    this.apply(rt, { type: "stopping" });
    this.say(rt.name, `Stopping ${spec.description ?? rt.name}...`);
    try {
      await this.supervisor.stop(rt, spec);
    } finally {
      rt.stopping = false;
      this.apply(rt, { type: "stopped" });
      this.say(rt.name, `Stopped ${spec.description ?? rt.name}.`);
    }
  }

  /** Stops every running unit in reverse start order (halt); further starts are refused. */
  async halt(): Promise<void> {
    this.halted = true;
    for (const rt of this.units.values()) {
      rt.cancelRestart?.();
      rt.cancelRestart = undefined;
      rt.cancelStart?.();
    }
    const running = [...this.units.values()].filter(needsStop);
    const byName = new Map(running.map((rt) => [rt.name, rt]));
    for (const name of haltOrder(this.activeOrder, [...byName.keys()])) {
      const rt = byName.get(name);
      if (rt) await this.stopOne(rt);
    }
  }

  /** Unit pids still alive, in-process services aside (tests and the host check nothing is orphaned). */
  pids(): number[] {
    const out: number[] = [];
    for (const rt of this.units.values()) {
      if (rt.main && !rt.main.inProcess) out.push(rt.main.pid);
      for (const h of rt.helpers) out.push(h.pid);
    }
    return out;
  }

  /** The main process a unit would run, worked out without running it. */
  describeMain(name: string): MainExec | undefined {
    return this.exec.describeMain(this.load(name));
  }

  /** True when something configured the unit beyond its own file (a drop-in). */
  hasConfig(name: string): boolean {
    return (this.load(name).dropIns?.length ?? 0) > 0;
  }
}
