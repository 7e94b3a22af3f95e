import type { Lease } from "../etcd/index.js";
import type { Clock } from "./clock.js";
import { ClusterView, schedMachines } from "./cluster-view.js";
import { forEachLimit } from "./limit.js";
import { ReconcileLoop } from "./loop.js";
import type { Registry } from "./registry.js";
import { type Decision, schedule } from "./scheduler.js";

/** etcd writes a pass keeps in flight. */
const WRITE_CONCURRENCY = 32;

export interface EngineOptions {
  registry: Registry;
  machineId: string;
  /** engine_reconcile_interval, in milliseconds (fleet's default is 2 s). */
  reconcileIntervalMs: number;
  /**
   * agent_ttl in seconds. The leader's lease lives no longer than its
   * machine's key: a machine that dies while leading must not delay the
   * move of its units past agent_ttl.
   */
  agentTtlSeconds?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The fleet engine: one leader at a time, through a leased key (TTL five
 * reconcile intervals, at most agent_ttl, kept alive by the client); the
 * others watch that key and bid as soon as it goes. The leader reconciles the
 * schedule on every job or machine change and on a timer. Every write is
 * guarded by the leader key still being on this engine's lease.
 */
export class Engine {
  private lease: Lease | undefined;
  private leaseId: string | undefined;
  private readonly view = new ClusterView();
  private readonly loop: ReconcileLoop;
  private closers: Array<() => void> = [];
  leader = false;

  constructor(private readonly opts: EngineOptions) {
    this.loop = new ReconcileLoop(
      async () => {
        await this.reconcile();
      },
      opts.reconcileIntervalMs,
      (err) => this.log(`engine: reconcile failed: ${(err as Error).message}`),
      opts.clock,
    );
  }

  async start(): Promise<void> {
    // Job and machine changes are the leader's to act on; the others bid when the leader key
    // changes (and on the timer). Every engine bidding on every change would be N bids
    // through raft per machine registering: N squared while a cluster of N machines boots.
    const watchers = [
      ...(await this.opts.registry.watch(["object", "target-state", "machines"], () => {
        if (this.leader) this.loop.trigger();
      })),
      ...(await this.opts.registry.watch(["leader"], () => this.loop.trigger())),
    ];
    this.closers.push(() => {
      for (const w of watchers) void w.cancel();
    });
    this.loop.start();
  }

  /** One pass: take or keep leadership, then apply the scheduler's decisions. */
  async reconcile(): Promise<Decision[]> {
    if (!(await this.lead())) return [];
    const { registry } = this.opts;
    const snap = await registry.snapshot();
    const leaseId = this.leaseId as string;
    const decisions = schedule(this.view.units(snap), schedMachines(snap.machines));
    const jobs = new Map(snap.jobs.map((j) => [j.name, j]));
    const stillUnplaceable = new Set(
      decisions.filter((d) => d.action === "unplaceable").map((d) => d.unit),
    );
    // A reason left from an earlier pass goes once the unit no longer waits for a place.
    for (const j of snap.jobs) {
      if (j.unplaceable !== undefined && !stillUnplaceable.has(j.name) && !j.target) {
        await registry.clearUnplaceable(j.name, leaseId);
      }
    }
    // Decisions about one unit apply in order; different units apply side by side.
    const byUnit = new Map<string, Decision[]>();
    for (const d of decisions) byUnit.set(d.unit, [...(byUnit.get(d.unit) ?? []), d]);
    await forEachLimit([...byUnit.values()], WRITE_CONCURRENCY, async (list) => {
      for (const d of list) {
        await this.apply(d, jobs.get(d.unit)?.unplaceable, leaseId, snap.revision);
      }
    });
    return decisions;
  }

  private async apply(
    d: Decision,
    unplaceable: string | undefined,
    leaseId: string,
    revision: string,
  ): Promise<void> {
    const { registry } = this.opts;
    if (d.action === "unschedule") {
      if (await registry.unschedule(d.unit, d.machine, leaseId)) {
        this.log(`engine: unscheduled ${d.unit} from ${d.machine}: ${d.reason}`);
      }
    } else if (d.action === "schedule") {
      if (await registry.schedule(d.unit, d.machine, leaseId)) {
        this.log(`engine: scheduled ${d.unit} to ${d.machine}`);
      }
    } else if (unplaceable !== d.reason) {
      await registry.setUnplaceable(d.unit, d.reason, leaseId, revision);
      this.log(`engine: cannot place ${d.unit}: ${d.reason}`);
    }
  }

  private async lead(): Promise<boolean> {
    const { registry, machineId, reconcileIntervalMs } = this.opts;
    // As fleet's engine does, a follower reads the leader key before it bids: while it is
    // held, no bid (a txn through raft) and no lease kept alive, per engine and interval.
    if (!this.lease && (await registry.leaderHeld())) {
      this.setLeader(false);
      return false;
    }
    if (!this.lease || this.lease.revoked()) {
      const ttl = Math.max(
        1,
        Math.min(Math.ceil((5 * reconcileIntervalMs) / 1000), this.opts.agentTtlSeconds ?? 30),
      );
      const lease = registry.ns.lease(ttl);
      lease.onLost(() => {
        if (this.lease === lease) {
          this.lease = undefined;
          this.setLeader(false);
        }
      });
      this.lease = lease;
      this.leaseId = await lease.grant();
    }
    this.setLeader(await registry.tryLead(machineId, this.lease));
    if (!this.leader) {
      // A lost bid lets its lease go: the next pass reads first again.
      const lost = this.lease;
      this.lease = undefined;
      this.leaseId = undefined;
      lost.revoke().catch(() => {});
    }
    return this.leader;
  }

  private setLeader(value: boolean): void {
    if (value !== this.leader) this.log(`engine: ${value ? "became" : "is no longer"} the leader`);
    this.leader = value;
  }

  /** Stops reconciling and, if leader, hands leadership over at once. */
  async stop(): Promise<void> {
    await this.loop.stop();
    for (const close of this.closers.splice(0)) close();
    if (this.lease) {
      // A lease etcd already expired cannot be revoked: leadership is gone either way.
      await this.lease.revoke().catch(() => undefined);
      this.lease = undefined;
    }
    this.leader = false;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
