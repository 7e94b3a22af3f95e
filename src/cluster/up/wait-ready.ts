import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type EtcdMember, findClientUrl, healthy, members } from "../../etcd/index.js";
import { bootFinished, type MachineStatus, machinePaths } from "../../machine/index.js";
import { agentStatus, consoleTail, journalTail } from "../agent-client.js";
import type { MachinePlan } from "../providers/index.js";
import { hostState } from "../providers/index.js";
import { Interrupted, type Step, type UpContext, UpFailure } from "./context.js";

const ETCD_UNITS = ["etcd2.service", "etcd.service"];
// Between boots finishing (which wake up the wait at once): how often the host and etcd are asked.
const POLL_MS = 50;
// While an agent is still loading, its socket is not there yet: cheap to ask again soon.
const AGENT_RETRY_MS = 25;

/**
 * Waits until every machine's agent says it booted and etcd has etcdSize
 * members, each answering /health; fails early, naming the machine and
 * unit, when a machine dies or its etcd unit fails. Agents are not polled:
 * each gets one long `wait-boot` request, answered when its boot is over
 * (a member's boot waits for etcd to join: etcd2.service is Type=notify).
 */
export const waitReady: Step = {
  name: "wait until ready",
  async run(ctx) {
    if (!ctx.options.wait) return;
    const deadline = Date.now() + ctx.options.timeoutMs;
    const stop = new AbortController();
    const boots = new BootWatch(ctx.plan.machines, stop.signal);
    const seen: Seen = { clientUrls: new Map(), healthy: new Set() };
    try {
      for (;;) {
        if (ctx.options.signal.aborted) throw new Interrupted();
        const finished = boots.finished.size;
        const now = await readiness(ctx, boots, seen);
        if (now.ready) break;
        const left = deadline - Date.now();
        if (left <= 0) throw await timedOut(ctx, now);
        await boots.nextChange(finished, Math.min(POLL_MS, left), ctx.options.signal);
      }
    } finally {
      stop.abort();
    }
    ctx.progress.say(
      ctx.etcdSections.length > 0
        ? `etcd is healthy with ${ctx.spec.etcdSize} member${ctx.spec.etcdSize > 1 ? "s" : ""}.`
        : "All machines booted (user-data configures no etcd).",
    );
  },
};

/** Every machine's boot, watched through one long request per agent. */
class BootWatch {
  /** Each machine's status as its boot ended. */
  readonly finished = new Map<string, MachineStatus>();
  private changed!: Promise<void>;
  private wake: () => void = () => {};

  constructor(machines: readonly MachinePlan[], signal: AbortSignal) {
    this.arm();
    for (const m of machines) void this.watch(m, signal);
  }

  private arm(): void {
    this.changed = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  private async watch(machine: MachinePlan, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.finished.set(machine.name, await bootFinished(machine.dir, signal));
        const wake = this.wake;
        this.arm();
        wake();
        return;
      } catch {
        // Not listening yet, or gone: the host's view (readiness) tells which.
      }
      await sleep(AGENT_RETRY_MS, undefined, { signal }).catch(() => {});
    }
  }

  /**
   * Resolves when a boot is over beyond the `known` already finished (at
   * once if one ended meanwhile), after ms, or when signal aborts.
   */
  nextChange(known: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.finished.size !== known) return Promise.resolve();
    return Promise.race([this.changed, sleep(ms, undefined, { signal }).catch(() => {})]);
  }
}

interface Readiness {
  ready: boolean;
  booted: Set<string>;
  members: EtcdMember[];
}

/** What earlier looks learned, so each look asks etcd only what is still open. */
interface Seen {
  /** Each machine's etcd client URL. */
  clientUrls: Map<string, string>;
  /** The member list once all etcdSize members published their URLs (it does not change during up). */
  members?: EtcdMember[];
  /** Ids of members that answered /health with true. */
  healthy: Set<string>;
}

/** One look at every machine. */
async function readiness(ctx: UpContext, boots: BootWatch, seen: Seen): Promise<Readiness> {
  const booted = new Set<string>();
  for (const m of ctx.plan.machines) {
    if (hostState(m) !== "running") {
      throw new UpFailure(
        `${m.name}: the machine stopped while booting`,
        m.name,
        undefined,
        consoleTail(m),
      );
    }
  }
  for (const m of ctx.plan.machines) {
    const status = boots.finished.get(m.name);
    if (!status) {
      const listening = existsSync(machinePaths(m.dir).socket);
      ctx.progress.machine(
        m.name,
        listening ? "booting: starting units" : "booting: waiting for the agent",
      );
      continue;
    }
    // Failed, or waiting to be restarted after failing: etcd does not fail its way to health.
    const etcd = status.units.find(
      (u) => ETCD_UNITS.includes(u.name) && (u.active === "failed" || u.sub === "auto-restart"),
    );
    if (etcd) {
      throw new UpFailure(
        `${m.name}: ${etcd.name} failed${etcd.reason ? `: ${etcd.reason}` : ""}`,
        m.name,
        etcd.name,
        await journalTail(m, etcd.name),
      );
    }
    if (status.boot === "failed" || status.boot === "halting") {
      const failed = status.units.filter((u) => u.active === "failed").map((u) => u.name);
      throw new UpFailure(
        `${m.name}: boot ${status.boot}${failed.length ? ` (failed units: ${failed.join(", ")})` : ""}`,
        m.name,
        failed[0],
        failed[0] ? await journalTail(m, failed[0]) : consoleTail(m),
      );
    }
    booted.add(m.name);
  }
  if (ctx.etcdSections.length === 0) {
    for (const name of booted) ctx.progress.machine(name, "booted and ready");
    return { ready: booted.size === ctx.plan.machines.length, booted, members: [] };
  }
  const list =
    seen.members ??
    (await memberList(
      ctx.plan.machines.filter((m) => booted.has(m.name)),
      seen.clientUrls,
    ));
  const full = list.length >= ctx.spec.etcdSize;
  // A member that has not published yet is listed without client URLs: ask again later.
  if (full && list.every((mem) => mem.clientURLs.length > 0)) seen.members = list;
  const health = await Promise.all(
    list.map(async (mem) => {
      if (seen.healthy.has(mem.id)) return true;
      const ok = mem.clientURLs[0] ? await healthy(mem.clientURLs[0]) : false;
      if (ok) seen.healthy.add(mem.id);
      return ok;
    }),
  );
  for (const m of ctx.plan.machines) {
    if (!booted.has(m.name)) continue;
    const i = list.findIndex((mem) => mem.clientURLs.some((u) => hostOf(u) === m.address));
    if (i >= 0) {
      ctx.progress.machine(
        m.name,
        health[i] ? "booted; etcd member healthy" : "booted; etcd member starting",
      );
    } else {
      ctx.progress.machine(m.name, full ? "booted; etcd proxy" : "booted; etcd joining");
    }
  }
  const ready = booted.size === ctx.plan.machines.length && full && health.every(Boolean);
  return { ready, booted, members: list };
}

/** The member list as the first answering machine sees it. */
async function memberList(
  machines: MachinePlan[],
  clientUrls: Map<string, string>,
): Promise<EtcdMember[]> {
  for (const m of machines) {
    let url = clientUrls.get(m.name);
    if (url === undefined) {
      url = await findClientUrl(m.address);
      if (url !== undefined) clientUrls.set(m.name, url);
    }
    const list = url ? await members(url) : undefined;
    if (list && list.length > 0) return list;
  }
  return [];
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

async function timedOut(ctx: UpContext, last: Readiness | undefined): Promise<UpFailure> {
  const seconds = Math.round(ctx.options.timeoutMs / 1000);
  const found = last?.members.length ?? 0;
  const notBooted = ctx.plan.machines.find((m) => !last?.booted.has(m.name));
  if (notBooted) {
    // Its boot waits on etcd (Type=notify) when etcd never joined a cluster: say so, with etcd's journal.
    const waiting = (await agentStatus(notBooted))?.units.find(
      (u) => ETCD_UNITS.includes(u.name) && u.active === "activating",
    );
    if (waiting) {
      return new UpFailure(
        `timed out after ${seconds}s: ${notBooted.name}'s ${waiting.name} is still starting (etcd has ${found} of ${ctx.spec.etcdSize} healthy members)`,
        notBooted.name,
        waiting.name,
        await journalTail(notBooted, waiting.name),
      );
    }
    return new UpFailure(
      `timed out after ${seconds}s: ${notBooted.name} did not finish booting`,
      notBooted.name,
      undefined,
      consoleTail(notBooted),
    );
  }
  // The first machine that is not a healthy member: its etcd journal says why.
  const m =
    ctx.plan.machines.find(
      (mm) => !last?.members.some((mem) => mem.clientURLs.some((u) => hostOf(u) === mm.address)),
    ) ?? ctx.plan.machines[0];
  const status = m ? await agentStatus(m) : undefined;
  const unit = status?.units.find((u) => ETCD_UNITS.includes(u.name))?.name ?? ETCD_UNITS[0];
  return new UpFailure(
    `timed out after ${seconds}s: etcd has ${found} of ${ctx.spec.etcdSize} healthy members${m ? ` (${m.name} ${unit} is not one)` : ""}`,
    m?.name,
    unit,
    m && unit ? await journalTail(m, unit) : [],
  );
}
