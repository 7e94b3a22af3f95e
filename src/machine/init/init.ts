import { readFileSync } from "node:fs";
import { inRoot } from "../layout.js";
import type { BuiltinUnit, MachineContext, PreparedExec } from "../units/index.js";
import {
  type ExecCommand,
  expandSpecifiers,
  parseEnvironment,
  parseEnvironmentFile,
  parseExec,
} from "./command-line.js";
import type { Journal } from "./journal.js";
import { enabledUnits, type LoadedUnit, type LoadState, listUnitFiles, loadUnit } from "./load.js";
import { startOrder } from "./order.js";
import {
  machineFile,
  type Proc,
  resolveProgram,
  signalGroup,
  spawnUnitProcess,
  UnitFailure,
} from "./process.js";
import type { GroupReaper } from "./reaper.js";
import type { UnitSpec } from "./spec.js";

export type ActiveState = "inactive" | "activating" | "active" | "deactivating" | "failed";

export interface UnitState {
  name: string;
  load: LoadState;
  active: ActiveState;
  sub: string;
  description?: string;
  reason?: string;
  mainPid?: number;
}

interface Runtime {
  name: string;
  loaded: LoadedUnit;
  active: ActiveState;
  sub: string;
  reason?: string;
  main?: Proc;
  helpers: Set<Proc>;
  /** Process groups started for the unit (one per process it ran), killed when it stops. */
  groups: Set<number>;
  stopping: boolean;
  restartTimer?: NodeJS.Timeout;
  starts: number[];
  /** Serializes start/stop jobs on this unit. */
  job: Promise<unknown>;
  /** While a Type=notify start waits for readiness: settles when it is over. */
  activation?: Promise<Readiness>;
  /** Ends that wait early: a stop job replaces a pending start, as in systemd. */
  cancelStart?: () => void;
  /** Sees each output line of the unit's processes (the readiness watch). */
  watch?: (line: string) => void;
}

type Readiness = "ready" | "exited" | "cancelled" | "timeout";

const START_LIMIT = { burst: 5, intervalMs: 10_000 };
const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface InitOptions {
  ctx: MachineContext;
  journal: Journal;
  builtins: ReadonlyMap<string, BuiltinUnit>;
  /** Directory of the machine's own commands (systemctl, journalctl, etcdctl), first on PATH. */
  binDir: string;
  /** The agent's own log (console.log). */
  log: (message: string) => void;
  /** Kills what unit processes forked, should the agent die without a halt. */
  reaper: GroupReaper;
  /**
   * Where the machine's own unit files are read: its own layer (machineDir/root),
   * so a host's /etc/systemd/system never leaks into a machine whose / is an
   * overlay over the host's.
   */
  unitRoot: string;
}

/**
 * A small systemd: loads units from the machine root, starts them in
 * dependency order, supervises their processes (restart policies), stops
 * them with ExecStop and a grace period. Every unit process is started
 * under `setpriv --pdeathsig KILL` so it dies with the agent.
 */
export class Init {
  private readonly units = new Map<string, Runtime>();
  /** Units in the order they became active, for stopping in reverse. */
  private readonly activeOrder: string[] = [];
  private halted = false;

  constructor(private readonly opts: InitOptions) {}

  private runtime(name: string): Runtime {
    let rt = this.units.get(name);
    if (!rt) {
      rt = {
        name,
        loaded: this.load(name),
        active: "inactive",
        sub: "dead",
        helpers: new Set(),
        groups: new Set(),
        stopping: false,
        starts: [],
        job: Promise.resolve(),
      };
      this.units.set(name, rt);
    }
    return rt;
  }

  private load(name: string): LoadedUnit {
    return loadUnit(this.opts.unitRoot, name, this.opts.builtins);
  }

  private serialize<T>(rt: Runtime, fn: () => Promise<T>): Promise<T> {
    const next = rt.job.then(fn, fn);
    rt.job = next.catch(() => {});
    return next;
  }

  private say(unit: string, message: string): void {
    this.opts.journal.write(unit, message);
  }

  private setState(rt: Runtime, active: ActiveState, sub: string, reason?: string): void {
    rt.active = active;
    rt.sub = sub;
    if (reason !== undefined) rt.reason = reason;
    if (active === "active" && !this.activeOrder.includes(rt.name)) this.activeOrder.push(rt.name);
  }

  private fail(rt: Runtime, reason: string): false {
    this.setState(rt, "failed", "failed", reason);
    this.say(rt.name, `Failed to start ${rt.name}: ${reason}`);
    this.opts.log(`[FAILED] ${rt.name}: ${reason}`);
    return false;
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
    const state: UnitState = {
      name,
      load: loaded.load,
      active: rt?.active ?? "inactive",
      sub: rt?.sub ?? "dead",
    };
    const description = loaded.spec?.description;
    if (description) state.description = description;
    const reason = rt?.reason ?? (loaded.load !== "loaded" ? loaded.reason : undefined);
    if (reason) state.reason = reason;
    if (rt?.main) state.mainPid = rt.main.pid;
    return state;
  }

  /** Starts a unit and what it Requires/Wants, in After/Before order. Resolves true when it is up. */
  async start(name: string): Promise<boolean> {
    if (this.halted) throw new Error("the machine is halting");
    const order = startOrder(name, (n) => {
      // Re-read units that are not running, so new files and drop-ins count.
      const rt = this.runtime(n);
      if (rt.active === "inactive" || rt.active === "failed") rt.loaded = this.load(n);
      return rt.loaded.spec;
    });
    let ok = true;
    for (const n of order) {
      const rt = this.runtime(n);
      const up = await this.serialize(rt, () => this.startOne(rt));
      if (n === name) ok = up;
    }
    return ok;
  }

  async stop(name: string): Promise<void> {
    const rt = this.runtime(name);
    rt.cancelStart?.();
    await this.serialize(rt, () => this.stopOne(rt));
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

  /** systemctl's job verbs, as cloud-config's `command:` uses them. */
  async command(name: string, verb: string): Promise<boolean> {
    const active = () => this.runtime(name).active === "active";
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
        return active() ? this.restart(name) : true;
      default:
        throw new Error(`unknown command "${verb}"`);
    }
  }

  /** Reaches the boot target, then starts what it wants (units enabled on an earlier boot). */
  async startEnabled(): Promise<void> {
    await this.start("multi-user.target");
    for (const name of enabledUnits(this.opts.unitRoot)) await this.start(name);
  }

  private async startOne(rt: Runtime): Promise<boolean> {
    if (this.halted) return false;
    if (rt.active === "active" || (rt.active === "activating" && rt.main)) return true;
    clearTimeout(rt.restartTimer);
    rt.loaded = this.load(rt.name);
    rt.reason = undefined;
    const { loaded } = rt;
    if (loaded.load === "masked") {
      this.say(rt.name, `Failed to start ${rt.name}: unit is masked`);
      rt.reason = loaded.reason;
      return false;
    }
    if (loaded.load !== "loaded" || !loaded.spec)
      return this.fail(rt, loaded.reason ?? "not loaded");
    const spec = loaded.spec;
    // After= orders jobs, not only one transaction's: wait out a unit still becoming ready.
    for (const dep of spec.after) await this.units.get(dep)?.activation;
    for (const dep of spec.requires) {
      const d = this.units.get(dep);
      if (!d || d.active === "failed" || d.loaded.load !== "loaded")
        return this.fail(
          rt,
          `dependency ${dep} failed: ${d?.reason ?? d?.loaded.reason ?? "not started"}`,
        );
    }
    for (const other of spec.conflicts) {
      const o = this.units.get(other);
      if (o && o.name !== rt.name && (o.main || o.active === "active")) {
        this.say(rt.name, `Stopping ${other}, which conflicts with ${rt.name}.`);
        await this.stopOne(o);
      }
    }
    const now = Date.now();
    rt.starts = rt.starts.filter((t) => now - t < START_LIMIT.intervalMs);
    if (rt.starts.length >= START_LIMIT.burst)
      return this.fail(rt, "start request repeated too quickly");
    rt.starts.push(now);
    try {
      switch (spec.kind) {
        case "target":
          this.setState(rt, "active", "active");
          return true;
        case "socket":
          return this.startSocket(rt, spec);
        case "service":
          return await this.startService(rt, spec);
        default:
          return this.fail(rt, `.${spec.kind} units are not supported by shoal's init`);
      }
    } catch (err) {
      await this.killAll(rt);
      return this.fail(rt, (err as Error).message);
    }
  }

  private startSocket(rt: Runtime, spec: UnitSpec): boolean {
    const service = spec.socketService ?? "";
    const svc = this.load(service);
    if (svc.load !== "loaded" || !svc.spec)
      return this.fail(rt, `${rt.name} activates ${service}, which this machine does not have`);
    const exec = svc.spec.execStart[0];
    if (exec) {
      try {
        resolveProgram(parseExec(exec, {}).argv, this.opts.ctx, BASE_PATH);
      } catch (err) {
        return this.fail(rt, `${rt.name} activates ${service}: ${(err as Error).message}`);
      }
    }
    return this.fail(rt, "socket activation is not supported by shoal's init");
  }

  private async startService(rt: Runtime, spec: UnitSpec): Promise<boolean> {
    this.setState(rt, "activating", "start-pre");
    const env = this.environment(rt.name, spec);
    for (const line of spec.execStartPre) {
      if (!(await this.runHelper(rt, spec, line, env)))
        return this.fail(rt, `ExecStartPre failed: ${line}`);
    }
    if (spec.type === "oneshot" || spec.type === "forking") {
      this.setState(rt, "activating", "start");
      for (const line of spec.execStart) {
        if (!(await this.runHelper(rt, spec, line, env)))
          return this.fail(rt, `ExecStart failed: ${line}`);
      }
      if (spec.remainAfterExit || spec.type === "forking") this.setState(rt, "active", "exited");
      else this.setState(rt, "inactive", "dead");
    } else {
      const line = spec.execStart[0];
      if (!line) return this.fail(rt, "the service has no ExecStart=");
      const { argv, env: mainEnv, readyLine } = this.prepareMain(rt.name, rt.loaded, line, env);
      const proc = this.spawnProc(rt, argv, mainEnv, spec);
      rt.main = proc;
      void proc.exited.then((r) => this.onMainExit(rt, spec, proc, r));
      // Type=notify: started means ready (etcd: joined its cluster), so After= units wait for it.
      if (spec.type === "notify" && readyLine) {
        this.setState(rt, "activating", "start");
        const outcome = await this.untilReady(rt, spec, proc, readyLine);
        if (outcome === "timeout") {
          this.say(rt.name, "start operation timed out. Terminating.");
          await this.terminate(rt, proc, spec.timeoutStopSec);
          rt.reason = "start operation timed out";
        }
        // Exited: onMainExit has recorded the failure (or the restart); cancelled: a stop is next.
        if (outcome !== "ready") return false;
      }
      this.setState(rt, "active", "running");
    }
    for (const line of spec.execStartPost) {
      if (!(await this.runHelper(rt, spec, line, env)))
        return this.fail(rt, `ExecStartPost failed: ${line}`);
    }
    this.say(rt.name, `Started ${spec.description ?? rt.name}.`);
    return true;
  }

  /** Waits for the ready line, the main process's end, a cancelling stop or TimeoutStartSec. */
  private untilReady(
    rt: Runtime,
    spec: UnitSpec,
    proc: Proc,
    readyLine: RegExp,
  ): Promise<Readiness> {
    let settle: (outcome: Readiness) => void = () => {};
    const activation = new Promise<Readiness>((resolve) => {
      settle = resolve;
    });
    const watch = (line: string) => {
      if (readyLine.test(line)) settle("ready");
    };
    const cancel = () => settle("cancelled");
    rt.watch = watch;
    rt.cancelStart = cancel;
    rt.activation = activation;
    const timer = Number.isFinite(spec.timeoutStartSec)
      ? setTimeout(() => settle("timeout"), spec.timeoutStartSec).unref()
      : undefined;
    void proc.exited.then(() => settle("exited"));
    void activation.then(() => {
      clearTimeout(timer);
      // A later start may have installed its own watch by now: leave that one alone.
      if (rt.watch === watch) rt.watch = undefined;
      if (rt.cancelStart === cancel) rt.cancelStart = undefined;
      if (rt.activation === activation) rt.activation = undefined;
    });
    return activation;
  }

  private onMainExit(
    rt: Runtime,
    spec: UnitSpec,
    proc: Proc,
    { code, signal }: { code: number | null; signal: NodeJS.Signals | null },
  ): void {
    if (rt.main !== proc) return;
    rt.main = undefined;
    if (rt.stopping) return;
    // As systemd does when the main process exits: what it left behind goes too.
    this.killGroups(rt);
    const how = signal
      ? `code=killed, signal=${signal.replace(/^SIG/, "")}`
      : `code=exited, status=${code}`;
    this.say(rt.name, `Main process exited, ${how}`);
    const clean = code === 0 && !signal;
    const restart =
      spec.restart === "always" ||
      (spec.restart === "on-success" && clean) ||
      (spec.restart === "on-failure" && !clean) ||
      ((spec.restart === "on-abnormal" || spec.restart === "on-abort") && signal !== null);
    if (clean) this.setState(rt, "inactive", "dead");
    else
      this.setState(
        rt,
        "failed",
        "failed",
        signal ? `main process killed by ${signal}` : `main process exited with status ${code}`,
      );
    if (!restart || this.halted) return;
    this.setState(rt, "activating", "auto-restart");
    rt.restartTimer = setTimeout(() => {
      this.say(rt.name, `Scheduled restart job, restart counter is at ${rt.starts.length}.`);
      void this.serialize(rt, () => {
        if (rt.sub !== "auto-restart") return Promise.resolve(false);
        rt.active = "inactive"; // let startOne start it again
        return this.startOne(rt);
      });
    }, spec.restartSec);
  }

  private async stopOne(rt: Runtime): Promise<void> {
    clearTimeout(rt.restartTimer);
    const spec = rt.loaded.spec;
    const running = rt.main !== undefined || rt.active === "active";
    if (!running || !spec) {
      await this.killAll(rt);
      if (rt.active !== "failed") this.setState(rt, "inactive", "dead");
      else rt.sub = "failed";
      return;
    }
    rt.stopping = true;
    this.setState(rt, "deactivating", "stop");
    this.say(rt.name, `Stopping ${spec.description ?? rt.name}...`);
    try {
      const env = this.environment(rt.name, spec);
      if (rt.main) env.MAINPID = String(rt.main.pid);
      for (const line of spec.execStop)
        await this.runHelper(rt, spec, line, env, spec.timeoutStopSec);
      if (rt.main) await this.terminate(rt, rt.main, spec.timeoutStopSec);
      for (const line of spec.execStopPost)
        await this.runHelper(rt, spec, line, env, spec.timeoutStopSec);
    } catch (err) {
      this.say(rt.name, `stop: ${(err as Error).message}`);
    } finally {
      await this.killAll(rt);
      rt.main = undefined;
      rt.stopping = false;
      this.setState(rt, "inactive", "dead");
      this.say(rt.name, `Stopped ${spec.description ?? rt.name}.`);
    }
  }

  /** SIGTERM to the unit's process groups, SIGKILL after the grace period. */
  private async terminate(rt: Runtime, main: Proc, graceMs: number): Promise<void> {
    for (const g of rt.groups) signalGroup(g, "SIGTERM");
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
    if ((await Promise.race([main.exited, timer])) === "timeout") {
      this.say(rt.name, `State 'stop-sigterm' timed out. Killing.`);
      signalGroup(main.pid, "SIGKILL");
      await main.exited;
    }
  }

  private killGroups(rt: Runtime): void {
    for (const g of rt.groups) {
      signalGroup(g, "SIGKILL");
      this.opts.reaper.remove(g);
    }
    rt.groups.clear();
  }

  private async killAll(rt: Runtime): Promise<void> {
    const procs = [...rt.helpers, ...(rt.main ? [rt.main] : [])];
    this.killGroups(rt);
    await Promise.all(procs.map((p) => p.exited));
  }

  /** Stops every running unit in reverse start order (halt); further starts are refused. */
  async halt(): Promise<void> {
    this.halted = true;
    for (const rt of this.units.values()) {
      clearTimeout(rt.restartTimer);
      rt.cancelStart?.();
    }
    const running = [...this.units.values()].filter(
      (rt) =>
        rt.main ||
        rt.helpers.size ||
        rt.groups.size ||
        rt.active === "active" ||
        rt.active === "activating",
    );
    const order = [...this.activeOrder].reverse();
    running.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    for (const rt of running) await this.stopOne(rt);
  }

  /** Unit pids still alive (tests and the host use this to check nothing is orphaned). */
  pids(): number[] {
    const out: number[] = [];
    for (const rt of this.units.values()) {
      if (rt.main) out.push(rt.main.pid);
      for (const h of rt.helpers) out.push(h.pid);
    }
    return out;
  }

  /** The main process a unit would run, worked out without running it. */
  describeMain(name: string): { argv: string[]; env: Record<string, string> } | undefined {
    const loaded = this.load(name);
    const line = loaded.spec?.execStart[0];
    if (!loaded.spec || !line) return undefined;
    try {
      return this.prepareMain(name, loaded, line, this.environment(name, loaded.spec), false);
    } catch {
      return undefined;
    }
  }

  /** True when something configured the unit beyond its own file (a drop-in). */
  hasConfig(name: string): boolean {
    return (this.load(name).dropIns?.length ?? 0) > 0;
  }

  private environment(name: string, spec: UnitSpec): Record<string, string> {
    const { ctx } = this.opts;
    const env: Record<string, string> = {
      PATH: `${this.opts.binDir}:${BASE_PATH}`,
      LANG: "C.UTF-8",
      HOSTNAME: ctx.hostname,
      SHOAL_MACHINE_DIR: ctx.machineDir,
    };
    const specs = { machineId: ctx.machineId, hostname: ctx.hostname, unit: name };
    for (const value of spec.environment)
      for (const [k, v] of parseEnvironment(expandSpecifiers(value, specs))) env[k] = v;
    for (const raw of spec.environmentFiles) {
      const optional = raw.startsWith("-");
      const path = expandSpecifiers(optional ? raw.slice(1) : raw, specs);
      const file = machineFile(this.opts.ctx.root, path);
      if (!file) {
        if (optional) continue;
        throw new UnitFailure(`environment file ${path} not found`);
      }
      for (const [k, v] of parseEnvironmentFile(readFileSync(file, "utf8"))) env[k] = v;
    }
    return env;
  }

  private prepareMain(
    name: string,
    loaded: LoadedUnit,
    line: string,
    env: Record<string, string>,
    journal = true,
  ): Omit<PreparedExec, "notes"> {
    const specs = {
      machineId: this.opts.ctx.machineId,
      hostname: this.opts.ctx.hostname,
      unit: name,
    };
    const { argv } = parseExec(expandSpecifiers(line, specs), env);
    const builtin = loaded.builtin;
    if (!builtin?.prepare) return { argv, env };
    const prepared = builtin.prepare({ argv, env }, this.opts.ctx);
    if (journal) for (const note of prepared.notes) this.say(name, note);
    return prepared;
  }

  private spawnProc(
    rt: Runtime,
    argv: string[],
    env: Record<string, string>,
    spec: UnitSpec,
  ): Proc {
    const { root } = this.opts.ctx;
    const proc = spawnUnitProcess(resolveProgram(argv, this.opts.ctx, env.PATH ?? BASE_PATH), {
      env,
      cwd: spec.workingDirectory ? inRoot(root, spec.workingDirectory) : root,
      onLine: (line, pid) => {
        this.opts.journal.write(rt.name, line, pid);
        rt.watch?.(line);
      },
    });
    // The group outlives the process when it forked: it belongs to the unit until the unit stops.
    rt.groups.add(proc.pid);
    this.opts.reaper.add(proc.pid);
    return proc;
  }

  /** Runs one Exec*= line to completion; false when it failed (and was not `-`-prefixed). */
  private async runHelper(
    rt: Runtime,
    spec: UnitSpec,
    line: string,
    env: Record<string, string>,
    timeoutMs = Number.POSITIVE_INFINITY,
  ): Promise<boolean> {
    const specs = {
      machineId: this.opts.ctx.machineId,
      hostname: this.opts.ctx.hostname,
      unit: rt.name,
    };
    const cmd: ExecCommand = parseExec(expandSpecifiers(line, specs), env);
    const proc = this.spawnProc(rt, cmd.argv, env, spec);
    rt.helpers.add(proc);
    try {
      let result: { code: number | null; signal: NodeJS.Signals | null } | "timeout";
      if (Number.isFinite(timeoutMs)) {
        const timer = new Promise<"timeout">((r) =>
          setTimeout(() => r("timeout"), timeoutMs).unref(),
        );
        result = await Promise.race([proc.exited, timer]);
        if (result === "timeout") {
          signalGroup(proc.pid, "SIGKILL");
          await proc.exited;
        }
      } else result = await proc.exited;
      const ok = result !== "timeout" && result.code === 0;
      if (!ok && !cmd.ignoreFailure) {
        const how =
          result === "timeout" ? "timed out" : `exited with ${result.signal ?? result.code}`;
        this.say(rt.name, `${cmd.argv.join(" ")}: ${how}`);
      }
      return ok || cmd.ignoreFailure;
    } finally {
      rt.helpers.delete(proc);
    }
  }
}
