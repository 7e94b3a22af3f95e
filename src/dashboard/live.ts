import { etcdView, fleetView, hostStates, machineReports } from "./collect.js";
import { changes } from "./events.js";
import { FleetSource } from "./fleet-source.js";
import { type ClusterEvent, type ClusterView, EVENT_LIMIT } from "./types.js";
import { UpdateSource } from "./update-source.js";

export type Patch = Partial<ClusterView>;

export interface LiveOptions {
  /** How often the host's machine states (pid files, /proc) are read. */
  hostPollMs?: number;
  /** How often etcd and the agents are asked, when nothing else prompted a look. */
  lookMs?: number;
}

const PATCH_KEYS = [
  "created",
  "machines",
  "etcd",
  "fleet",
  "updates",
  "events",
  "problem",
] as const;

/**
 * The cluster as last seen, kept fresh on the server side: the host's
 * machine states a few times a second, fleet through an etcd watch,
 * everything else once a second. Listeners get only the top-level parts
 * that changed. Nothing is written anywhere: it holds what it saw, in memory.
 */
export class Live {
  view: ClusterView;
  private readonly listeners = new Set<(patch: Patch) => void>();
  readonly fleet: FleetSource;
  private readonly updates: UpdateSource;
  private readonly hostPollMs: number;
  private readonly lookMs: number;
  private hostKey = "";
  /** Counts the host's answers that changed the view: a look begun before one is stale. */
  private hostChanges = 0;
  private looking: Promise<void> | undefined;
  private lookAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    opts: LiveOptions = {},
  ) {
    this.hostPollMs = opts.hostPollMs ?? 200;
    this.lookMs = opts.lookMs ?? 1_000;
    this.fleet = new FleetSource(dir, () => this.refresh());
    this.updates = new UpdateSource(env);
    this.view = {
      dir,
      created: false,
      at: new Date().toISOString(),
      machines: [],
      etcd: { members: [] },
      fleet: { reachable: false, machines: [], units: [] },
      updates: { channels: [] },
      events: [],
    };
  }

  /** Takes the first look, then keeps looking until close(). */
  async start(): Promise<void> {
    await this.refresh();
    this.every(this.hostPollMs, () => this.pollHost());
    this.every(this.lookMs, () => this.refresh());
  }

  subscribe(listener: (patch: Patch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Looks again now, or right after the look under way; resolves when the view is fresh. */
  refresh(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return this.looking;
    }
    this.looking = (async () => {
      do {
        this.lookAgain = false;
        await this.look();
      } while (this.lookAgain && !this.closed);
    })().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  /** Records what the page asked for, as an event like any other. */
  note(event: Omit<ClusterEvent, "at">): void {
    this.apply({
      events: [{ at: new Date().toISOString(), ...event }, ...this.view.events].slice(
        0,
        EVENT_LIMIT,
      ),
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.fleet.close();
    this.updates.close();
    this.listeners.clear();
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    const tick = () => {
      if (this.closed) return;
      void fn().finally(() => {
        if (!this.closed) this.timers.push(setTimeout(tick, ms));
      });
    };
    this.timers.push(setTimeout(tick, ms));
  }

  /**
   * A machine that stopped or started shows at once, from the host's own
   * answer; the full look (etcd, agents, fleet) follows.
   */
  private async pollHost(): Promise<void> {
    try {
      const states = await hostStates(this.dir, this.env);
      const key = [...states].join(",");
      if (key === this.hostKey) return;
      this.hostKey = key;
      this.hostChanges++;
      const machines = this.view.machines.map((m) => {
        const state = states.get(m.name) ?? m.state;
        if (state === m.state) return m;
        const { startedAt: _, units: __, ...rest } = m;
        return { ...rest, state };
      });
      const next = {
        machines,
        etcd: this.view.etcd,
        fleet: this.view.fleet,
        updates: this.view.updates,
      };
      const news = changes(this.view, next, new Date().toISOString());
      this.apply({
        machines,
        created: machines.some((m) => m.state !== "not created"),
        events: [...news.reverse(), ...this.view.events].slice(0, EVENT_LIMIT),
      });
      await this.refresh();
    } catch {
      // the next full look reports what is wrong
    }
  }

  private async look(): Promise<void> {
    const at = new Date().toISOString();
    const seen = this.hostChanges;
    try {
      const { reports, machines: seenMachines } = await machineReports(this.dir, this.env);
      const etcd = await etcdView(reports);
      const urls = etcd.members.map((m) => m.clientUrl);
      const [snap, { updates, machines }] = await Promise.all([
        this.fleet.snapshot(
          urls,
          seenMachines.map((m) => m.name),
        ),
        this.updates.look(seenMachines, urls),
      ]);
      // The host said something newer meanwhile, and a look after it is already queued.
      if (seen !== this.hostChanges) return;
      const next = { machines, etcd, fleet: fleetView(snap), updates };
      // The first look is the starting point, not news.
      const first = this.view.machines.length === 0;
      const news = first ? [] : changes(this.view, next, at);
      this.apply({
        ...next,
        at,
        created: machines.some((m) => m.state !== "not created"),
        problem: undefined,
        events: [...news.reverse(), ...this.view.events].slice(0, EVENT_LIMIT),
      });
    } catch (err) {
      this.apply({ at, problem: err instanceof Error ? err.message : String(err) });
    }
  }

  private apply(update: Patch): void {
    const patch: Patch = {};
    for (const key of PATCH_KEYS) {
      if (!(key in update)) continue;
      if (JSON.stringify(update[key]) !== JSON.stringify(this.view[key])) {
        (patch as Record<string, unknown>)[key] = update[key] ?? null;
      }
    }
    const { problem, ...rest } = { ...this.view, ...update };
    this.view = problem === undefined ? rest : { ...rest, problem };
    if (Object.keys(patch).length === 0) return;
    for (const listener of this.listeners) listener(patch);
  }
}
