/**
 * What shoal asks etcd members, over plain HTTP: `/health` and the v3
 * JSON gateway. Not the gRPC client, whose reconnect backoff adds seconds
 * to every poll while a cluster is forming.
 */

import { exchange } from "../host/index.js";

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

async function request(url: string, body?: unknown): Promise<unknown> {
  const { status, text } = await exchange(url, { body, timeoutMs: TIMEOUT_MS });
  if (status >= 400) throw new Error(`${url}: HTTP ${status}`);
  return JSON.parse(text);
}

/** Whether the member at clientUrl says it is healthy (it has a leader and serves). */
export async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const body = (await request(`${clientUrl}/health`)) as { health?: unknown };
    return body.health === "true" || body.health === true;
  } catch {
    return false;
  }
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
    const answers = await Promise.all(clientUrls.map((u) => healthy(u)));
    if (answers.some(Boolean)) return true;
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

/** The cluster's members as the member at clientUrl sees them, or undefined when it does not answer. */
export async function members(clientUrl: string): Promise<EtcdMember[] | undefined> {
  try {
    const body = (await request(`${clientUrl}/v3/cluster/member/list`, {})) as {
      members?: Array<{ ID?: string; name?: string; clientURLs?: string[]; peerURLs?: string[] }>;
    };
    return (body.members ?? []).map((m) => ({
      id: m.ID ?? "",
      name: m.name ?? "",
      clientURLs: m.clientURLs ?? [],
      peerURLs: m.peerURLs ?? [],
    }));
  } catch {
    return undefined;
  }
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

/** This member's id, the leader's id, etcd's version, raft term and index, DB size (POST /v3/maintenance/status). */
export async function memberStatus(clientUrl: string): Promise<MemberStatus | undefined> {
  try {
    const body = (await request(`${clientUrl}/v3/maintenance/status`, {})) as {
      header?: { member_id?: string };
      leader?: string;
      version?: string;
      raftTerm?: string;
      raftIndex?: string;
      dbSize?: string;
    };
    return {
      memberId: body.header?.member_id ?? "",
      leader: body.leader ?? "",
      version: body.version ?? "",
      raftTerm: body.raftTerm ?? "",
      raftIndex: body.raftIndex ?? "",
      dbSize: Number(body.dbSize ?? 0),
    };
  } catch {
    return undefined;
  }
}

/** Hex, as etcdctl prints member ids. */
export function hexId(decimal: string): string {
  try {
    return BigInt(decimal).toString(16);
  } catch {
    return decimal;
  }
}

/** The client URL a machine's etcd (member or proxy) answers at, if any. */
export async function findClientUrl(address: string): Promise<string | undefined> {
  for (const port of CLIENT_PORTS) {
    const url = `http://${address}:${port}`;
    try {
      await exchange(`${url}/health`, { timeoutMs: TIMEOUT_MS });
      return url;
    } catch {
      // nothing listens there; try the next port
    }
  }
  return undefined;
}
