/**
 * Watching a rolling update from the host, for the rollout tests and
 * bench/rollout.ts: a writer through every etcd member, the reboot lock's
 * every value (etcd's own history of the key), and a sampler of which
 * machines are down.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { exchange } from "../../../src/host/index.js";
import { connectMachine } from "../../../src/machine/index.js";
import { semaphoreKey } from "../../../src/update/locksmith/index.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

interface RangeAnswer {
  header?: { revision?: string };
  kvs?: Array<{ key: string; value?: string; mod_revision?: string }>;
}

async function range(url: string, key: string, rangeEnd?: string): Promise<RangeAnswer> {
  const res = await exchange(`${url}/v3/kv/range`, {
    body: { key: b64(key), ...(rangeEnd ? { range_end: b64(rangeEnd) } : {}) },
    timeoutMs: 3_000,
  });
  if (res.status !== 200) throw new Error(`${url}: range ${key}: HTTP ${res.status} ${res.text}`);
  return JSON.parse(res.text) as RangeAnswer;
}

/** The first of urls that answers a read; its answer. */
async function rangeAny(urls: string[], key: string, rangeEnd?: string): Promise<RangeAnswer> {
  let last: unknown;
  for (const url of urls) {
    try {
      return await range(url, key, rangeEnd);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** The cluster's revision now: where a lock history starts. */
export async function revisionNow(urls: string[]): Promise<bigint> {
  return BigInt((await rangeAny(urls, semaphoreKey())).header?.revision ?? "0");
}

/**
 * A put every intervalMs, each through the next member in turn; each
 * acknowledged key and the times of acknowledgements are kept.
 */
export function startWriter(urls: string[], prefix: string, intervalMs = 100) {
  const acked = new Map<string, string>();
  const ackTimes: number[] = [];
  let failed = 0;
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    while (!stopped) {
      const i = n++;
      const key = `${prefix}/${String(i).padStart(6, "0")}`;
      const started = performance.now();
      try {
        const res = await exchange(`${urls[i % urls.length]}/v3/kv/put`, {
          body: { key: b64(key), value: b64(String(i)) },
          timeoutMs: 2_000,
        });
        if (res.status === 200 && !res.text.includes('"error"')) {
          acked.set(key, String(i));
          ackTimes.push(performance.now());
        } else failed++;
      } catch {
        failed++; // a member that is down refuses; the next put goes to another
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - started)));
    }
  })();
  return {
    acked,
    get failed() {
      return failed;
    },
    /** Stops; the longest time between two acknowledged writes, in ms, and when each was acknowledged (performance.now()). */
    async stop(): Promise<{
      acked: Map<string, string>;
      failed: number;
      longestGapMs: number;
      ackTimes: number[];
    }> {
      stopped = true;
      await loop;
      let longestGapMs = 0;
      for (let i = 1; i < ackTimes.length; i++)
        longestGapMs = Math.max(
          longestGapMs,
          (ackTimes[i] as number) - (ackTimes[i - 1] as number),
        );
      return { acked, failed, longestGapMs, ackTimes };
    },
  };
}

/** The writer's acknowledged keys that the cluster does not have (or has with another value). */
export async function lostWrites(
  urls: string[],
  prefix: string,
  acked: Map<string, string>,
): Promise<string[]> {
  // "/" + 1 is "0": the range end that covers every key under prefix/.
  const answer = await rangeAny(urls, `${prefix}/`, `${prefix}0`);
  const have = new Map((answer.kvs ?? []).map((kv) => [unb64(kv.key), unb64(kv.value ?? "")]));
  return [...acked].filter(([k, v]) => have.get(k) !== v).map(([k]) => k);
}

export interface SemaphoreValue {
  semaphore: number;
  max: number;
  holders: string[] | null;
}

/**
 * Every value the reboot lock's key took after revision `from`, in order,
 * from etcd's own history (a watch from that revision), not a sample.
 */
export async function lockHistory(urls: string[], from: bigint): Promise<SemaphoreValue[]> {
  const now = (await rangeAny(urls, semaphoreKey())).kvs?.[0];
  const last = BigInt(now?.mod_revision ?? "0");
  // `from` is a revision read before: what was written at it is history already.
  if (!now || last <= from) return [];
  const url = urls[0] as string;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  const values: SemaphoreValue[] = [];
  try {
    const res = await fetch(`${url}/v3/watch`, {
      method: "POST",
      body: JSON.stringify({
        create_request: { key: b64(semaphoreKey()), start_revision: String(from + 1n) },
      }),
      signal: abort.signal,
    });
    if (!res.body) throw new Error(`${url}: watch gave no body`);
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = res.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as {
          result?: { events?: Array<{ kv: { value?: string; mod_revision: string } }> };
        };
        for (const ev of msg.result?.events ?? []) {
          values.push(JSON.parse(unb64(ev.kv.value ?? "")) as SemaphoreValue);
          if (BigInt(ev.kv.mod_revision) >= last) return values;
        }
      }
    }
    throw new Error(`${url}: the watch ended before revision ${last}`);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** The most holders the lock had at once over a history. */
export function mostHolders(history: SemaphoreValue[]): number {
  return Math.max(0, ...history.map((v) => v.holders?.length ?? 0));
}

/**
 * Every intervalMs, which machines are down: their agent does not answer,
 * their boot is not over and running, or their etcd unit is not active.
 */
export function sampleDown(machineDirs: Map<string, string>, unit: string, intervalMs = 100) {
  let stopped = false;
  let samples = 0;
  let mostDown: string[] = [];
  const everDown = new Set<string>();
  /** When a sample saw a machine down (performance.now()). */
  const downAt: number[] = [];
  const isDown = async (dir: string) => {
    try {
      const machine = await connectMachine(dir);
      const st = await machine.status();
      return st.boot !== "running" || st.units.find((u) => u.name === unit)?.active !== "active";
    } catch {
      return true;
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      const down: string[] = [];
      await Promise.all(
        [...machineDirs].map(async ([name, dir]) => {
          if (await isDown(dir)) down.push(name);
        }),
      );
      samples++;
      if (down.length > 0) downAt.push(started);
      for (const name of down) everDown.add(name);
      if (down.length > mostDown.length) mostDown = down.sort();
      await sleep(Math.max(0, intervalMs - (performance.now() - started)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples, mostDown, everDown: [...everDown].sort(), downAt };
    },
  };
}
