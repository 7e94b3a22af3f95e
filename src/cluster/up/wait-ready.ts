import { type EtcdMember, findClientUrl, healthy, members } from "../../etcd/index.js";
import { agentStatus, consoleTail, journalTail } from "../agent-client.js";
import { hostState } from "../providers/agent.js";
import { waitFor } from "../providers/pids.js";
import type { MachinePlan } from "../providers/provider.js";
import { Interrupted, type Step, type UpContext, UpFailure } from "./context.js";

const ETCD_UNITS = ["etcd2.service", "etcd.service"];
// Every poll asks each agent and etcd member: cheap, and the sooner up sees health the sooner it is done.
const POLL_MS = 50;

/**
 * Waits until every machine's agent says it booted and etcd has etcdSize
 * members, each answering /health; fails early, naming the machine and
 * unit, when a machine dies or its etcd unit fails.
 */
export const waitReady: Step = {
  name: "wait until ready",
  async run(ctx) {
    if (!ctx.options.wait) return;
    const deadline = Date.now() + ctx.options.timeoutMs;
    let last: Readiness | undefined;
    const seen: Seen = { clientUrls: new Map(), settled: new Set() };
    const ready = await waitFor(
      async () => {
        if (ctx.options.signal.aborted) throw new Interrupted();
        last = await readiness(ctx, seen);
        return last.ready;
      },
      Math.max(0, deadline - Date.now()),
      POLL_MS,
    );
    if (!ready) throw await timedOut(ctx, last);
    ctx.progress.say(
      ctx.etcdSections.length > 0
        ? `etcd is healthy with ${ctx.spec.etcdSize} member${ctx.spec.etcdSize > 1 ? "s" : ""}.`
        : "All machines booted (user-data configures no etcd).",
    );
  },
};

interface Readiness {
  ready: boolean;
  booted: Set<string>;
  members: EtcdMember[];
}

/** What earlier polls learned: each machine's etcd client URL, and machines done with. */
interface Seen {
  clientUrls: Map<string, string>;
  /** Booted, and a healthy member or (all members there) a proxy: their agents are not asked again. */
  settled: Set<string>;
}

/** One look at every machine. */
async function readiness(ctx: UpContext, seen: Seen): Promise<Readiness> {
  const { clientUrls, settled } = seen;
  const booted = new Set<string>(settled);
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
  // With 25 machines, asking every agent every 50 ms would cost the agents real CPU.
  const asking = ctx.plan.machines.filter((m) => !settled.has(m.name));
  const statuses = await Promise.all(asking.map((m) => agentStatus(m)));
  for (const [i, m] of asking.entries()) {
    const status = statuses[i];
    if (!status) {
      ctx.progress.machine(m.name, "booting: waiting for the agent");
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
    if (status.boot === "running") booted.add(m.name);
    else ctx.progress.machine(m.name, "booting: starting units");
  }
  if (ctx.etcdSections.length === 0) {
    for (const name of booted) ctx.progress.machine(name, "booted and ready");
    return { ready: booted.size === ctx.plan.machines.length, booted, members: [] };
  }
  const list = await memberList(
    ctx.plan.machines.filter((m) => booted.has(m.name)),
    clientUrls,
  );
  const health = await Promise.all(
    list.map((mem) => (mem.clientURLs[0] ? healthy(mem.clientURLs[0]) : false)),
  );
  const full = list.length >= ctx.spec.etcdSize;
  for (const m of ctx.plan.machines) {
    if (!booted.has(m.name)) continue;
    const i = list.findIndex((mem) => mem.clientURLs.some((u) => hostOf(u) === m.address));
    if (i >= 0) {
      ctx.progress.machine(
        m.name,
        health[i] ? "booted; etcd member healthy" : "booted; etcd member starting",
      );
      if (health[i]) settled.add(m.name);
    } else {
      ctx.progress.machine(m.name, full ? "booted; etcd proxy" : "booted; etcd joining");
      if (full) settled.add(m.name);
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
