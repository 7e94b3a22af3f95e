/**
 * Where tokens, members and each token's history live. Two implementations
 * (sqlite-store.ts, etcd-store.ts) run the same contract tests. Every write
 * is atomic: a token's index and its history move together.
 */
import type { MemberEvent, MemberNode, TokenInfo } from "./protocol.js";

export type CreateMemberResult =
  | { kind: "created"; node: MemberNode }
  | { kind: "exists"; index: number }
  | { kind: "full"; index: number; limit: number }
  | { kind: "no-token" };

export type DeleteMemberResult =
  | { kind: "deleted"; prev: MemberNode; index: number }
  | { kind: "no-key"; index: number }
  | { kind: "no-token" };

export interface Store {
  /** Creates a token whose size key takes index 1. */
  createToken(info: Omit<TokenInfo, "index">): Promise<void>;
  /** The token and its members (sorted by createdIndex); undefined when unknown or expired at `now`. */
  getToken(
    token: string,
    now: number,
  ): Promise<{ info: TokenInfo; members: MemberNode[] } | undefined>;
  /** Registers a member at the token's next index, unless it exists or the token holds limitFor(size) members. */
  createMember(
    token: string,
    name: string,
    value: string,
    now: number,
    limitFor: (size: number) => number,
  ): Promise<CreateMemberResult>;
  /** Removes a member; the removal bumps the index but is never a watch event. */
  deleteMember(token: string, name: string, now: number): Promise<DeleteMemberResult>;
  /** Removes a token with its members and history; its last index, or undefined when unknown. */
  deleteToken(token: string, now: number): Promise<{ info: TokenInfo; index: number } | undefined>;
  /** The first registration with index >= fromIndex (of `member` only, when given). */
  firstEvent(token: string, fromIndex: number, member?: string): Promise<MemberEvent | undefined>;
  /** Calls fn for each registration made from now on, through this or any other replica. */
  subscribe(token: string, fn: (event: MemberEvent) => void): () => void;
  /** Removes tokens expired at `now`; how many. */
  deleteExpired(now: number): Promise<number>;
  /** Live tokens and members, for /metrics. */
  stats(now: number): Promise<{ tokens: number; members: number }>;
  close(): Promise<void>;
}

/** Fans registrations out to in-process subscribers; both stores use it. */
export class Subscribers {
  private byToken = new Map<string, Set<(event: MemberEvent) => void>>();

  add(token: string, fn: (event: MemberEvent) => void): () => void {
    let set = this.byToken.get(token);
    if (!set) {
      set = new Set();
      this.byToken.set(token, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.byToken.delete(token);
    };
  }

  emit(event: MemberEvent): void {
    const set = this.byToken.get(event.token);
    if (!set) return;
    for (const fn of [...set]) fn(event);
  }

  get size(): number {
    let n = 0;
    for (const set of this.byToken.values()) n += set.size;
    return n;
  }
}
