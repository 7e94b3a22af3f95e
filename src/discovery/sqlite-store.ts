/**
 * The embedded store: one SQLite file. WAL mode; a commit is in the file
 * (the OS page cache) before the PUT is answered, so an acknowledged write
 * survives `kill -9` of the server. One server process per file: watchers
 * are woken in-process.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { MemberEvent, MemberNode, TokenInfo } from "./protocol.js";
import { SIZE_INDEX } from "./protocol.js";
import type { CreateMemberResult, DeleteMemberResult, Store } from "./store.js";
import { Subscribers } from "./store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, size INTEGER NOT NULL, idx INTEGER NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens(expires_at);
CREATE TABLE IF NOT EXISTS members (
  token TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  created_index INTEGER NOT NULL, modified_index INTEGER NOT NULL,
  PRIMARY KEY (token, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  token TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (token, idx)) WITHOUT ROWID;
`;

interface TokenRow {
  token: string;
  size: number;
  idx: number;
  created_at: number;
  expires_at: number;
}
interface MemberRow {
  name: string;
  value: string;
  created_index: number;
  modified_index: number;
}

const tokenInfo = (r: TokenRow): TokenInfo => ({
  token: r.token,
  size: r.size,
  index: r.idx,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});
const memberNode = (r: MemberRow): MemberNode => ({
  name: r.name,
  value: r.value,
  createdIndex: r.created_index,
  modifiedIndex: r.modified_index,
});

export class SqliteStore implements Store {
  private db: Database.Database;
  private subscribers = new Subscribers();
  private q;
  /**
   * Recently used tokens as SQLite last committed them. This process is the
   * file's only writer, so the copy stays exact; reads (most requests) then
   * skip SQLite. Bounded: least recently used tokens fall out.
   */
  private cache = new Map<string, { info: TokenInfo; members: MemberNode[] }>();
  private static readonly CACHE_TOKENS = 20_000;
  private tx: ReturnType<SqliteStore["transactions"]>;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 2000");
    this.db.exec(SCHEMA);
    const db = this.db;
    this.q = {
      insertToken: db.prepare(
        "INSERT INTO tokens (token, size, idx, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      ),
      token: db.prepare<[string, number], TokenRow>(
        "SELECT * FROM tokens WHERE token = ? AND expires_at > ?",
      ),
      members: db.prepare<[string], MemberRow>(
        "SELECT name, value, created_index, modified_index FROM members WHERE token = ? ORDER BY created_index",
      ),
      member: db.prepare<[string, string], MemberRow>(
        "SELECT name, value, created_index, modified_index FROM members WHERE token = ? AND name = ?",
      ),
      memberCount: db.prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM members WHERE token = ?",
      ),
      insertMember: db.prepare(
        "INSERT INTO members (token, name, value, created_index, modified_index) VALUES (?, ?, ?, ?, ?)",
      ),
      insertEvent: db.prepare("INSERT INTO events (token, idx, name, value) VALUES (?, ?, ?, ?)"),
      bump: db.prepare("UPDATE tokens SET idx = ? WHERE token = ?"),
      deleteMember: db.prepare("DELETE FROM members WHERE token = ? AND name = ?"),
      firstEvent: db.prepare<[string, number], { idx: number; name: string; value: string }>(
        "SELECT idx, name, value FROM events WHERE token = ? AND idx >= ? ORDER BY idx LIMIT 1",
      ),
      firstEventOf: db.prepare<
        [string, number, string],
        { idx: number; name: string; value: string }
      >(
        "SELECT idx, name, value FROM events WHERE token = ? AND idx >= ? AND name = ? ORDER BY idx LIMIT 1",
      ),
      expired: db.prepare<[number], { token: string }>(
        "SELECT token FROM tokens WHERE expires_at <= ?",
      ),
      dropToken: db.prepare("DELETE FROM tokens WHERE token = ?"),
      dropMembers: db.prepare("DELETE FROM members WHERE token = ?"),
      dropEvents: db.prepare("DELETE FROM events WHERE token = ?"),
      stats: db.prepare<[number], { tokens: number; members: number }>(
        `SELECT count(*) AS tokens, coalesce(sum((SELECT count(*) FROM members m WHERE m.token = t.token)), 0) AS members
         FROM tokens t WHERE expires_at > ?`,
      ),
    };
    this.tx = this.transactions();
  }

  /** Transactions are built once: wrapping a function per call costs more than the queries. */
  private transactions() {
    return {
      getToken: this.db.transaction((token: string, now: number) => {
        const row = this.q.token.get(token, now);
        if (!row) return undefined;
        return { info: tokenInfo(row), members: this.q.members.all(token).map(memberNode) };
      }),
      createMember: this.db.transaction(
        (
          token: string,
          name: string,
          value: string,
          now: number,
          limitFor: (size: number) => number,
        ): CreateMemberResult => {
          const row = this.q.token.get(token, now);
          if (!row) return { kind: "no-token" };
          if (this.q.member.get(token, name)) return { kind: "exists", index: row.idx };
          const limit = limitFor(row.size);
          if ((this.q.memberCount.get(token)?.n ?? 0) >= limit) {
            return { kind: "full", index: row.idx, limit };
          }
          const index = row.idx + 1;
          this.q.bump.run(index, token);
          this.q.insertMember.run(token, name, value, index, index);
          this.q.insertEvent.run(token, index, name, value);
          return {
            kind: "created",
            node: { name, value, createdIndex: index, modifiedIndex: index },
          };
        },
      ),
      deleteMember: this.db.transaction(
        (token: string, name: string, now: number): DeleteMemberResult => {
          const row = this.q.token.get(token, now);
          if (!row) return { kind: "no-token" };
          const prev = this.q.member.get(token, name);
          if (!prev) return { kind: "no-key", index: row.idx };
          const index = row.idx + 1;
          this.q.deleteMember.run(token, name);
          this.q.bump.run(index, token);
          return { kind: "deleted", prev: memberNode(prev), index };
        },
      ),
      deleteToken: this.db.transaction((token: string, now: number) => {
        const row = this.q.token.get(token, now);
        if (!row) return undefined;
        this.drop(token);
        return { info: tokenInfo(row), index: row.idx + 1 };
      }),
      deleteExpired: this.db.transaction((now: number) => {
        const tokens = this.q.expired.all(now);
        for (const { token } of tokens) {
          this.drop(token);
          this.cache.delete(token);
        }
        return tokens.length;
      }),
    };
  }

  private remember(token: string, entry: { info: TokenInfo; members: MemberNode[] }): void {
    this.cache.delete(token);
    this.cache.set(token, entry);
    if (this.cache.size > SqliteStore.CACHE_TOKENS) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
  }

  async createToken(info: Omit<TokenInfo, "index">): Promise<void> {
    this.q.insertToken.run(info.token, info.size, SIZE_INDEX, info.createdAt, info.expiresAt);
    this.remember(info.token, { info: { ...info, index: SIZE_INDEX }, members: [] });
  }

  async getToken(token: string, now: number) {
    const cached = this.cache.get(token);
    if (cached) return cached.info.expiresAt > now ? cached : undefined;
    const found = this.tx.getToken(token, now);
    if (found) this.remember(token, found);
    return found;
  }

  async createMember(
    token: string,
    name: string,
    value: string,
    now: number,
    limitFor: (size: number) => number,
  ): Promise<CreateMemberResult> {
    const result = this.tx.createMember.immediate(token, name, value, now, limitFor);
    if (result.kind === "created") {
      const cached = this.cache.get(token);
      if (cached) {
        // Replaced, not mutated: a reader holding the old entry keeps a consistent snapshot.
        this.remember(token, {
          info: { ...cached.info, index: result.node.modifiedIndex },
          members: [...cached.members, result.node],
        });
      }
      this.subscribers.emit({ token, ...result.node });
    }
    return result;
  }

  async deleteMember(token: string, name: string, now: number): Promise<DeleteMemberResult> {
    this.cache.delete(token);
    return this.tx.deleteMember.immediate(token, name, now);
  }

  async deleteToken(token: string, now: number) {
    this.cache.delete(token);
    return this.tx.deleteToken.immediate(token, now);
  }

  private drop(token: string): void {
    this.q.dropEvents.run(token);
    this.q.dropMembers.run(token);
    this.q.dropToken.run(token);
  }

  async firstEvent(
    token: string,
    fromIndex: number,
    member?: string,
  ): Promise<MemberEvent | undefined> {
    const row =
      member === undefined
        ? this.q.firstEvent.get(token, fromIndex)
        : this.q.firstEventOf.get(token, fromIndex, member);
    if (!row) return undefined;
    return {
      token,
      name: row.name,
      value: row.value,
      createdIndex: row.idx,
      modifiedIndex: row.idx,
    };
  }

  subscribe(token: string, fn: (event: MemberEvent) => void): () => void {
    return this.subscribers.add(token, fn);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.tx.deleteExpired.immediate(now);
  }

  async stats(now: number) {
    return this.q.stats.get(now) ?? { tokens: 0, members: 0 };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
