import type { Lease } from "../etcd/index.js";
import { type Clock, systemClock } from "./clock.js";
import { ClusterView } from "./cluster-view.js";
import { forEachLimit } from "./limit.js";
import type { LocalRecord } from "./local-record.js";
import { ReconcileLoop } from "./loop.js";
import type { JobRecord, MachineRecord, Registry, UnitStateRecord } from "./registry.js";
import { machineUnits, type SchedUnit } from "./scheduler.js";
import type { UnitHost } from "./unit-host.js";

export interface AgentOptions {
  registry: Registry;
  machine: MachineRecord;
  /** agent_ttl in seconds: the machine key, unit states and heartbeats live this long without us. */
  ttlSeconds: number;
  /** How often the agent reconciles without a watch event (fleet: 5 s). */
  reconcileIntervalMs: number;
  host: UnitHost;
  /** How often the init's unit states are read and changes published (fleet: 1 s). */
  statePollMs?: number;
  /** Where loaded units are recorded, so a restarted fleetd adopts or unloads them. */
  record?: LocalRecord;
  clock?: Clock;
  log?: (line: string) => void;
}

/** etcd writes a pass keeps in flight. */
const WRITE_CONCURRENCY = 32;

/** How long a purge may spend unloading units before the lease is revoked anyway. */
const PURGE_LIMIT_MS = 5000;

interface Local {
  hash: string;
  launched: boolean;
  global: boolean;
}

/**
 * The fleet agent: publishes its machine under a lease of agent_ttl, runs
 * the units the schedule gives it (and matching global units) through the
 * machine's init, and reports their states on the same lease.
 *
 * Unlike upstream (#1289, #1145), losing etcd or its leader never stops a
 * unit here: the agent only stops units when it can read the registry and
 * the registry says they are no longer its own.
 */
export class Agent {
  private lease: Lease | undefined;
  private readonly local = new Map<string, Local>();
  private readonly published = new Map<string, string>();
  private readonly view = new ClusterView();
  private readonly loop: ReconcileLoop;
  private closers: Array<() => void> = [];
  /** Reconcile passes and state polls take turns, so a poll never republishes a unit just unloaded. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AgentOptions) {
    this.loop = new ReconcileLoop(
      () => this.exclusive(() => this.reconcile()),
      opts.reconcileIntervalMs,
      (err) => this.log(`agent: reconcile failed: ${(err as Error).message}`),
      opts.clock,
    );
  }

  get machineId(): string {
    return this.opts.machine.id;
  }

  /** What this agent runs and last published, for fleetd's SIGUSR1 dump. */
  describe(): { machine: string; units: Array<Local & { name: string; state?: unknown }> } {
    return {
      machine: this.opts.machine.id,
      units: [...this.local].map(([name, rec]) => {
        const published = this.published.get(name);
        return { name, ...rec, ...(published ? { state: JSON.parse(published) } : {}) };
      }),
    };
  }

  async start(): Promise<void> {
    await this.adopt();
    await this.register();
    const watchers = await this.opts.registry.watch(["object", "target-state", "target"], () =>
      this.loop.trigger(),
    );
    this.closers.push(() => {
      for (const w of watchers) void w.cancel();
    });
    this.loop.start();
    const clock = this.opts.clock ?? systemClock;
    this.closers.push(clock.every(this.opts.statePollMs ?? 1000, () => void this.pollStates()));
  }

  /** Takes over the units an earlier fleetd on this machine loaded; reconcile keeps or unloads them. */
  private async adopt(): Promise<void> {
    const recorded = this.opts.record?.read() ?? new Map();
    if (recorded.size === 0) return;
    const running = new Set(
      (await this.opts.host.status()).units
        .filter((u) => ["active", "activating", "reloading"].includes(u.active))
        .map((u) => u.name),
    );
    for (const [name, rec] of recorded) {
      this.local.set(name, { ...rec, launched: running.has(name) });
    }
    this.log(`agent: found ${recorded.size} unit(s) an earlier fleetd loaded here`);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private polling = false;

  /** Publishes what changed since the last look, within a poll interval of the init's change. */
  private async pollStates(): Promise<void> {
    if (this.polling || this.local.size === 0) return;
    this.polling = true;
    try {
      await this.exclusive(async () => {
        if (this.lease && !this.lease.revoked()) await this.publishStates(this.lease);
      });
    } catch (err) {
      this.log(`agent: publishing unit states failed: ${(err as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /** (Re)creates the lease and the machine key; called again after a lost lease. */
  private async register(): Promise<Lease> {
    if (this.lease && !this.lease.revoked()) return this.lease;
    const lease = this.opts.registry.ns.lease(this.opts.ttlSeconds);
    lease.onLost((err) => {
      this.log(`agent: lease lost (${err.message}); registering again, units keep running`);
      if (this.lease === lease) this.lease = undefined;
      this.published.clear();
      this.loop.trigger();
    });
    await this.opts.registry.publishMachine(lease, this.opts.machine);
    this.lease = lease;
    return lease;
  }

  async reconcile(): Promise<void> {
    const lease = await this.register();
    const { registry, machine } = this.opts;
    const snap = await registry.snapshot();
    const jobs = new Map(snap.jobs.map((j) => [j.name, j]));
    const me = { id: machine.id, metadata: machine.metadata };
    const wanted = new Map(machineUnits(me, this.view.units(snap)).map((u) => [u.name, u]));

    // Unload what is no longer ours, or whose body changed (it is loaded again below).
    for (const [name, rec] of [...this.local]) {
      const job = jobs.get(name);
      if (wanted.has(name) && job?.hash === rec.hash) continue;
      await this.unload(name, rec).catch((err: Error) =>
        this.log(`agent: ${name}: ${err.message}`),
      );
    }
    const heartbeats: string[] = [];
    for (const [name, u] of wanted) {
      const job = jobs.get(name);
      const text = job && snap.units.get(job.hash);
      if (!job || text === undefined) continue;
      // One unit that fails to load or start must not hold up the others.
      await this.apply(u, job, text).catch((err: Error) =>
        this.log(`agent: ${name}: ${err.message}`),
      );
      const rec = this.local.get(name);
      if (rec?.launched && !rec.global && job.jobState !== machine.id) heartbeats.push(name);
    }
    await forEachLimit(heartbeats, WRITE_CONCURRENCY, (name) =>
      registry.setJobState(lease, name, machine.id),
    );
    await this.publishStates(lease, snap.states);
  }

  private async apply(u: SchedUnit, job: JobRecord, text: string): Promise<void> {
    const { registry, host, machine } = this.opts;
    const name = u.name;
    let rec = this.local.get(name);
    if (!rec) {
      await host.install(name, text, { runtime: true });
      rec = { hash: job.hash, launched: false, global: u.requirements.global };
      this.local.set(name, rec);
      this.opts.record?.add(name, { hash: rec.hash, global: rec.global });
      this.log(`agent: loaded ${name}`);
    }
    if (u.desired === "launched" && !rec.launched) {
      // Started once per desired change, as fleet does; a failed start shows in the unit's state.
      rec.launched = true;
      await host.start(name);
      this.log(`agent: started ${name}`);
    } else if (u.desired === "loaded" && rec.launched) {
      await host.stop(name);
      rec.launched = false;
      await registry.clearJobState(name, machine.id);
      this.log(`agent: stopped ${name}`);
    }
  }

  private async unload(name: string, rec: Local): Promise<void> {
    const { host, registry, machine } = this.opts;
    if (rec.launched) await host.stop(name);
    // Remove the file only once the stop succeeded (fleet #1216).
    await host.remove(name);
    this.local.delete(name);
    this.opts.record?.remove(name);
    this.published.delete(name);
    await registry.deleteState(name, machine.id);
    await registry.clearJobState(name, machine.id);
    this.log(`agent: unloaded ${name}`);
  }

  /**
   * Publishes each local unit's systemd triple when it changed, or (given
   * the registry's states) went missing there.
   */
  private async publishStates(lease: Lease, current?: readonly UnitStateRecord[]): Promise<void> {
    if (this.local.size === 0) return;
    const { host, registry, machine } = this.opts;
    const status = new Map((await host.status()).units.map((s) => [s.name, s]));
    const inRegistry = current
      ? new Set(current.filter((s) => s.machineId === machine.id).map((s) => s.unit))
      : undefined;
    const changed: UnitStateRecord[] = [];
    for (const [name, rec] of this.local) {
      const s = status.get(name);
      const state: UnitStateRecord = {
        unit: name,
        machineId: machine.id,
        load: s?.load ?? "loaded",
        active: s?.active ?? "inactive",
        sub: s?.sub ?? "dead",
        hash: rec.hash,
      };
      if (this.published.get(name) === JSON.stringify(state) && (inRegistry?.has(name) ?? true)) {
        continue;
      }
      changed.push(state);
    }
    await forEachLimit(changed, WRITE_CONCURRENCY, async (state) => {
      await registry.publishState(lease, state);
      this.published.set(state.unit, JSON.stringify(state));
    });
  }

  /**
   * Stops reconciling. With purge (SIGTERM, as upstream), also stops and
   * removes every local unit and revokes the lease, which deletes the
   * machine key, its states and heartbeats at once.
   */
  async stop(opts: { purge: boolean }): Promise<void> {
    for (const close of this.closers.splice(0)) close();
    await this.loop.stop();
    await this.turn;
    if (opts.purge) {
      // Bounded: a machine that is halting may no longer answer; the lease must still go.
      const unloadAll = forEachLimit([...this.local], WRITE_CONCURRENCY, ([name, rec]) =>
        this.unload(name, rec).catch((err: Error) =>
          this.log(`agent: could not unload ${name}: ${err.message}`),
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        unloadAll,
        new Promise((resolve) => {
          timer = setTimeout(resolve, PURGE_LIMIT_MS);
        }),
      ]);
      clearTimeout(timer);
      // A lease etcd already expired cannot be revoked: gone either way.
      await this.lease?.revoke().catch(() => undefined);
    } else this.lease?.release();
    this.lease = undefined;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
