/**
 * What shoal asks etcd members, over plain HTTP: `/health` and the v3
 * JSON gateway. Not the gRPC client, whose reconnect backoff adds seconds
 * to every poll while a cluster is forming. Every probe says why it got no
 * usable answer (refused, timeout, an HTTP status), so `status` and `up`
 * can tell the user.
 */

import { exchange, NoAnswer } from "../host/index.js";
import { rangeOf, unb64 } from "./codec.js";

const TIMEOUT_MS = 1_000;

/** etcd's client ports: the official one, then the legacy one the 2014 samples use. */
export const CLIENT_PORTS = [2379, 4001] as const;

export interface EtcdMember {
  /** Decimal uint64, as the JSON gateway gives it. */
  id: string;
  name: string;
  clientURLs: string[];
  peerURLs: string[];
}

/** A member's answer, or why there was none: `URL: connection refused`, `URL: HTTP 503`. */
export type Answer<T> = { value: T } | { reason: string };

async function request(url: string, body?: unknown): Promise<Answer<unknown>> {
  let status: number;
  let text: string;
  try {
    ({ status, text } = await exchange(url, { body, timeoutMs: TIMEOUT_MS }));
  } catch (err) {
    if (err instanceof NoAnswer) return { reason: err.message };
    throw err;
  }
  if (status >= 400) return { reason: `${url}: HTTP ${status}${summary(text)}` };
  try {
    return { value: JSON.parse(text) };
  } catch {
    // A proxy or another server on etcd's port: say what came back instead.
    return { reason: `${url}: the answer is not JSON${summary(text)}` };
  }
}

/** A short quote of a body, for a reason line. */
function summary(text: string): string {
  const t = text.trim().replace(/\s+/g, " ");
  return t ? ` (${t.length > 80 ? `${t.slice(0, 77)}...` : t})` : "";
}

/** Whether the member at clientUrl says it is healthy (it has a leader and serves), or why not. */
export async function health(clientUrl: string): Promise<Answer<true>> {
  const url = `${clientUrl}/health`;
  const answer = await request(url);
  if ("reason" in answer) return answer;
  const said = (answer.value as { health?: unknown } | null)?.health;
  if (said === "true" || said === true) return { value: true };
  return { reason: `${url}: health is ${JSON.stringify(said)}` };
}

/**
 * Resolves once any of clientUrls is healthy (true), or when the signal
 * aborts (false). Polls quickly at first, then every half second.
 */
export async function waitHealthy(
  clientUrls: readonly string[],
  signal: AbortSignal,
): Promise<boolean> {
  for (let wait = 25; !signal.aborted; wait = Math.min(wait * 2, 500)) {
    const answers = await Promise.all(clientUrls.map((u) => health(u)));
    if (answers.some((a) => "value" in a)) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
  return false;
}

/** The cluster's members as the member at clientUrl sees them. */
export async function members(clientUrl: string): Promise<Answer<EtcdMember[]>> {
  const answer = await request(`${clientUrl}/v3/cluster/member/list`, {});
  if ("reason" in answer) return answer;
  const body = answer.value as {
    members?: Array<{ ID?: string; name?: string; clientURLs?: string[]; peerURLs?: string[] }>;
  } | null;
  return {
    value: (body?.members ?? []).map((m) => ({
      id: m.ID ?? "",
      name: m.name ?? "",
      clientURLs: m.clientURLs ?? [],
      peerURLs: m.peerURLs ?? [],
    })),
  };
}

export interface MemberStatus {
  memberId: string;
  leader: string;
  version: string;
  /** Decimal strings, as the JSON gateway gives them ("" when absent). */
  raftTerm: string;
  raftIndex: string;
  dbSize: number;
}

/**
 * This member's id, the leader's id, etcd's version, raft term and index and
 * DB size (POST /v3/maintenance/status).
 */
export async function memberStatus(clientUrl: string): Promise<Answer<MemberStatus>> {
  const answer = await request(`${clientUrl}/v3/maintenance/status`, {});
  if ("reason" in answer) return answer;
  const body = answer.value as {
    header?: { member_id?: string };
    leader?: string;
    version?: string;
    raftTerm?: string;
    raftIndex?: string;
    dbSize?: string;
  } | null;
  return {
    value: {
      memberId: body?.header?.member_id ?? "",
      leader: body?.leader ?? "",
      version: body?.version ?? "",
      raftTerm: body?.raftTerm ?? "",
      raftIndex: body?.raftIndex ?? "",
      dbSize: Number(body?.dbSize ?? 0),
    },
  };
}

/** A key's value (v3 range through the JSON gateway); undefined when the key does not exist. */
export async function getValue(
  clientUrl: string,
  key: string,
): Promise<Answer<string | undefined>> {
  const answer = await request(`${clientUrl}/v3/kv/range`, rangeOf(key));
  if ("reason" in answer) return answer;
  const kv = (answer.value as { kvs?: Array<{ value?: string }> } | null)?.kvs?.[0];
  return { value: kv ? unb64(kv.value) : undefined };
}

/** Hex, as etcdctl prints member ids. */
export function hexId(decimal: string): string {
  try {
    return BigInt(decimal).toString(16);
  } catch {
    // Not a decimal id (an empty or odd answer): show it as it came.
    return decimal;
  }
}

/** The client URL a machine's etcd (member or proxy) answers at, or why none does. */
export async function findClientUrl(address: string): Promise<Answer<string>> {
  const why: string[] = [];
  for (const port of CLIENT_PORTS) {
    const url = `http://${address}:${port}`;
    try {
      // Any HTTP answer means etcd listens there, healthy or not.
      await exchange(`${url}/health`, { timeoutMs: TIMEOUT_MS });
      return { value: url };
    } catch (err) {
      if (!(err instanceof NoAnswer)) throw err;
      why.push(`${url} (${err.reason})`);
    }
  }
  return { reason: `no etcd answers at ${why.join(" or ")}` };
}
