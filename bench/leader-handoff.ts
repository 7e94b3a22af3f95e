/**
 * The longest pause in writes when the etcd leader of a 3-member cluster
 * (etcd's default raft timers) goes down for a reboot: locksmithd's
 * hand-off first (MoveLeader to a healthy peer, then the stop) against the
 * stop alone, as locksmith leaves it. Writers put a key every 10 ms
 * through each member's JSON gateway; the figure is the longest time
 * between two acknowledged writes. Two stops are measured: SIGKILL (a
 * machine that goes down hard, or whose etcd is killed at the end of a
 * stop timeout) and SIGTERM (units stopped in order; etcd 3.4 then moves
 * leadership itself), the realistic one last.
 *
 *   npx tsx bench/leader-handoff.ts
 */
import { memberStatus } from "../src/etcd/index.js";
import { exchange } from "../src/host/index.js";
import { handOffLeadership } from "../src/update/locksmith/index.js";
import { EtcdGroup, type EtcdProcess, waitFor } from "../test/e2e/harness/index.js";
import { compare } from "./lib/compare.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const HOST = (i: number) => `127.24.12.${i + 1}`;
const NAMES = ["h0", "h1", "h2"];
const group = new EtcdGroup();
let members: EtcdProcess[] = [];

async function leaderIndex(): Promise<number> {
  return waitFor(
    async () => {
      const all = (await Promise.all(members.map((m) => memberStatus(m.clientUrl)))).map((a) =>
        "value" in a ? a.value : undefined,
      );
      const leaders = new Set(all.map((s) => s?.leader));
      if (leaders.size !== 1 || all.some((s) => !s || s.leader === "0")) return undefined;
      const i = all.findIndex((s) => s?.memberId === all[0]?.leader);
      return i >= 0 ? i : undefined;
    },
    { what: "the members to agree on a leader", timeoutMs: 30_000 },
  );
}

/** One writer per member; every acknowledged put's time goes into one list. */
function writers() {
  const acks: number[] = [];
  let stop = false;
  let n = 0;
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const loops = members.map(async (m) => {
    while (!stop) {
      n += 1;
      try {
        const res = await exchange(`${m.clientUrl}/v3/kv/put`, {
          body: { key: b64(`/bench/handoff/${n % 100}`), value: b64(String(n)) },
          timeoutMs: 3_000,
        });
        if (res.status === 200 && !res.text.includes('"error"')) acks.push(performance.now());
      } catch {
        // the stopped member refuses; the others carry the figure
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  return {
    acks,
    afterAt: (t: number, count: number) =>
      waitFor(() => acks.filter((a) => a > t).length >= count, {
        what: `${count} writes after the stop`,
        timeoutMs: 30_000,
      }),
    async finish(): Promise<number> {
      stop = true;
      await Promise.all(loops);
      const sorted = [...acks].sort((a, b) => a - b);
      let gap = 0;
      for (let i = 1; i < sorted.length; i++)
        gap = Math.max(gap, (sorted[i] as number) - (sorted[i - 1] as number));
      return gap;
    },
  };
}

async function restart(i: number): Promise<void> {
  const old = members[i] as EtcdProcess;
  const initialCluster = NAMES.map((n, j) => `${n}=http://${HOST(j)}:2380`).join(",");
  members[i] = group.start({
    name: NAMES[i] as string,
    host: HOST(i),
    dataDir: old.dataDir,
    initialCluster,
    fastRaft: false,
  });
  await (members[i] as EtcdProcess).waitHealthy(60_000);
}

async function leaderGoesDown(handOff: boolean, signal: "SIGKILL" | "SIGTERM"): Promise<number> {
  const i = await leaderIndex();
  const leader = members[i] as EtcdProcess;
  const w = writers();
  await w.afterAt(performance.now(), 20);
  if (handOff) {
    const result = await handOffLeadership(leader.clientUrl);
    if (!result.moved) throw new Error(`hand-off failed: ${result.note}`);
  }
  const stoppedAt = performance.now();
  leader.signal(signal);
  await leader.waitExit(30_000);
  await w.afterAt(stoppedAt, 20);
  const gap = await w.finish();
  await restart(i);
  return Math.round(gap);
}

try {
  members = await group.startCluster(NAMES, HOST, { fastRaft: false });
  for (const signal of ["SIGKILL", "SIGTERM"] as const) {
    await compare({
      title: `longest pause in writes when the leader goes down (${signal})`,
      unit: "ms",
      better: "lower",
      rounds: ROUNDS,
      ours: { name: "hand-off first", measure: () => leaderGoesDown(true, signal) },
      anchor: { name: "stop alone", measure: () => leaderGoesDown(false, signal) },
    });
  }
} finally {
  await group.cleanup();
}
