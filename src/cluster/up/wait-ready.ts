import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type EtcdMember, findClientUrl, health, members } from "../../etcd/index.js";
import { bootFinished, ETCD_UNITS, type MachineStatus, machinePaths } from "../../machine/index.js";
import { agentStatus, consoleTail, journalTail } from "../agent-client.js";
import type { MachinePlan } from "../providers/index.js";
import { hostState } from "../providers/index.js";
import { Interrupted, type Step, type UpContext, UpFailure } from "./context.js";

// Between boots finishing (which wake up the wait at once): how often the host and etcd are asked.
const POLL_MS = 50;
// While an agent is still loading, its socket is not there yet: a stat, cheap to repeat soon.
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
    await ctx.discoveryServed;
    const { wait } = ctx.options;
    if (!wait) return;
    const deadline = Date.now() + wait.timeoutMs;
    const stop = new AbortController();
    const boots = new BootWatch(ctx.plan.machines, stop.signal);
    const seen: Seen = { clientUrls: new Map(), healthy: new Set(), why: new Map() };
    try {
      for (;;) {
        if (ctx.options.signal.aborted) throw new Interrupted();
        const finished = boots.finished.size;
        const now = await readiness(ctx, boots, seen);
        if (now.ready) break;
        const left = deadline - Date.now();
        if (left <= 0) throw await timedOut(ctx, wait.timeoutMs, now, seen);
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
    const socket = machinePaths(machine.dir).socket;
    while (!signal.aborted) {
      // Until the agent listens its socket is not there: a stat per look, not a connection
      // attempt, which 100 loading agents would pay for in CPU (4000 a second).
      if (existsSync(socket)) {
        try {
          this.finished.set(machine.name, await bootFinished(machine.dir, signal));
          const wake = this.wake;
          this.arm();
          wake();
          return;
        } catch {
          // Not answering yet, or gone: the host's view (readiness) tells which.
        }
      }
      // An aborted sleep rejects; the loop's own check ends the watch.
      await sleep(AGENT_RETRY_MS, undefined, { signal }).catch(() => {});
    }
  }

  /**
   * Resolves when a boot is over beyond the `known` already finished (at
   * once if one ended meanwhile), after ms, or when signal aborts.
   */
  nextChange(known: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.finished.size !== known) return Promise.resolve();
    // An aborted sleep rejects; the caller checks the signal itself.
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
  /** Per machine, why its etcd last did not answer as hoped (refused, timeout, HTTP status). */
  why: Map<string, string>;
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
    for (const name of booted) ctx.progress.machine(name, "booted and ready", "done");
    return { ready: booted.size === ctx.plan.machines.length, booted, members: [] };
  }
  // The cluster's other machines last: a reload of proxies alone asks a member through them.
  const others = (ctx.previous?.machines ?? []).filter(
    (m) => !ctx.plan.machines.some((p) => p.name === m.name),
  );
  // Members (the first etcdSize machines) are asked before their boots end too, so that
  // once the last boot ends their health is known, with no round trip left to make.
  const asked = ctx.plan.machines.filter((m) => booted.has(m.name) || m.index <= ctx.spec.etcdSize);
  const list = seen.members ?? (await memberList([...asked, ...others], seen));
  const full = list.length >= ctx.spec.etcdSize;
  // A member that has not published yet is listed without client URLs: ask again later.
  if (full && list.every((mem) => mem.clientURLs.length > 0)) seen.members = list;
  const answers = await Promise.all(
    list.map(async (mem): Promise<string | undefined> => {
      if (seen.healthy.has(mem.id)) return undefined;
      if (!mem.clientURLs[0]) return "it has not published its client URLs yet";
      const answer = await health(mem.clientURLs[0]);
      if ("reason" in answer) return answer.reason;
      seen.healthy.add(mem.id);
      return undefined;
    }),
  );
  // Each member's health: true, or why not.
  const healthy = answers.map((why) => why === undefined);
  for (const m of ctx.plan.machines) {
    if (!booted.has(m.name)) continue;
    const i = list.findIndex((mem) => mem.clientURLs.some((u) => hostOf(u) === m.address));
    if (i >= 0) {
      const why = answers[i];
      if (why === undefined) seen.why.delete(m.name);
      else seen.why.set(m.name, why);
      if (healthy[i]) ctx.progress.machine(m.name, "booted; etcd member healthy", "done");
      else ctx.progress.machine(m.name, "booted; etcd member starting");
    } else {
      if (full) ctx.progress.machine(m.name, "booted; etcd proxy", "done");
      else ctx.progress.machine(m.name, "booted; etcd joining");
    }
  }
  const ready = booted.size === ctx.plan.machines.length && full && healthy.every(Boolean);
  return { ready, booted, members: list };
}

/** The member list as the first answering machine sees it; why the others did not answer goes to seen.why. */
async function memberList(
  machines: ReadonlyArray<{ name: string; address: string }>,
  seen: Seen,
): Promise<EtcdMember[]> {
  for (const m of machines) {
    let url = seen.clientUrls.get(m.name);
    if (url === undefined) {
      const found = await findClientUrl(m.address);
      if ("reason" in found) {
        seen.why.set(m.name, found.reason);
        continue;
      }
      url = found.value;
      seen.clientUrls.set(m.name, url);
    }
    const list = await members(url);
    if ("reason" in list) seen.why.set(m.name, list.reason);
    else if (list.value.length > 0) return list.value;
  }
  return [];
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    // A member published a URL that does not parse: it matches no machine.
    return "";
  }
}

async function timedOut(
  ctx: UpContext,
  timeoutMs: number,
  last: Readiness,
  seen: Seen,
): Promise<UpFailure> {
  const seconds = Math.round(timeoutMs / 1000);
  const found = last.members.length ?? 0;
  const notBooted = ctx.plan.machines.find((m) => !last.booted.has(m.name));
  if (notBooted) {
    // Its boot waits on etcd (Type=notify) when etcd never joined a cluster: say so, with etcd's journal.
    const waiting = (await agentStatus(notBooted))?.units.find(
      (u) => ETCD_UNITS.includes(u.name) && u.active === "activating",
    );
    if (waiting) {
      const why = seen.why.get(notBooted.name);
      return new UpFailure(
        `timed out after ${seconds}s: ${notBooted.name}'s ${waiting.name} is still starting (etcd has ${found} of ${ctx.spec.etcdSize} healthy members${why ? `; ${why}` : ""})`,
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
      (mm) => !last.members.some((mem) => mem.clientURLs.some((u) => hostOf(u) === mm.address)),
    ) ?? ctx.plan.machines[0];
  const status = m ? await agentStatus(m) : undefined;
  // The etcd unit the user-data started (both are installed; the other stays inactive).
  const etcdUnits = status?.units.filter((u) => ETCD_UNITS.includes(u.name)) ?? [];
  const unit =
    (etcdUnits.find((u) => u.active !== "inactive") ?? etcdUnits[0])?.name ?? ETCD_UNITS[0];
  const why = m && seen.why.get(m.name);
  return new UpFailure(
    `timed out after ${seconds}s: etcd has ${found} of ${ctx.spec.etcdSize} healthy members${m ? ` (${m.name} ${unit} is not one${why ? `: ${why}` : ""})` : ""}`,
    m?.name,
    unit,
    m && unit ? await journalTail(m, unit) : [],
  );
}
