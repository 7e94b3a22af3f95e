/**
 * The update server's store: one directory, `updates.db` (SQLite, WAL) and
 * `payloads/<sha256 hex>.tar.gz`. Channels point at releases; instances are
 * what each machine last told us; the signing key lives here too. Host
 * commands (`shoal updates publish | resume | status`) open the same store
 * while a server runs: every answer is read from SQLite, nothing is cached.
 */
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { generateSigningKey, type SigningKey } from "../release/sign.js";
import { SCHEMA } from "./schema.js";

export const CHANNELS = ["stable", "beta", "alpha"] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name);
}

export interface Release {
  id: number;
  channel: string;
  version: string;
  size: number;
  /** base64 */
  sha256: string;
  /** base64 */
  sha1: string;
  signature: string;
  /** The payload's file name under payloads/. */
  file: string;
  publishedAt: number;
  /** The built-in base release (no files of its own). */
  base: boolean;
}

export interface ChannelState {
  name: string;
  release: Release;
  /** Set while the channel's rollout of `release` is paused. */
  paused?: { reason: string; at: number };
}

export interface Instance {
  machineId: string;
  alias: string;
  channel: string;
  version: string;
  status: string;
  newVersion: string;
  lastError: string;
  lastCheckAt: number;
  updatedAt: number;
}

interface ReleaseRow {
  id: number;
  channel: string;
  version: string;
  size: number;
  sha256: string;
  sha1: string;
  signature: string;
  file: string;
  published_at: number;
  base: number;
}

const release = (r: ReleaseRow): Release => ({
  id: r.id,
  channel: r.channel,
  version: r.version,
  size: r.size,
  sha256: r.sha256,
  sha1: r.sha1,
  signature: r.signature,
  file: r.file,
  publishedAt: r.published_at,
  base: r.base === 1,
});

export class UpdateStore {
  readonly payloadDir: string;
  private readonly q;
  /** Built once: wrapping a function per call costs more than the queries it runs. */
  private readonly inTransaction;

  /** Opens (creating) the store in `dir`; SQLite is loaded here, not by whoever imports the module. */
  static async open(dir: string): Promise<UpdateStore> {
    const { default: Sqlite } = await import("better-sqlite3");
    // The database holds the signing key: the store is its owner's alone.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, "payloads"), { recursive: true });
    const file = join(dir, "updates.db");
    const db = new Sqlite(file);
    chmodSync(file, 0o600);
    return new UpdateStore(dir, db);
  }

  private constructor(
    readonly dir: string,
    private readonly db: Database.Database,
  ) {
    this.payloadDir = join(dir, "payloads");
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.q = {
      meta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"),
      current: db.prepare<
        [string],
        ReleaseRow & {
          paused_release: number | null;
          paused_reason: string | null;
          paused_at: number | null;
        }
      >(
        `SELECT r.*, c.paused_release, c.paused_reason, c.paused_at FROM channels c
         JOIN releases r ON r.id = c.release_id WHERE c.name = ?`,
      ),
      releaseByFile: db.prepare<[string], ReleaseRow>(
        "SELECT * FROM releases WHERE file = ? LIMIT 1",
      ),
      insertRelease: db.prepare(
        `INSERT INTO releases (channel, version, size, sha256, sha1, signature, file, published_at, base)
         VALUES (@channel, @version, @size, @sha256, @sha1, @signature, @file, @publishedAt, @base)`,
      ),
      point: db.prepare(
        `INSERT INTO channels (name, release_id) VALUES (?, ?)
         ON CONFLICT(name) DO UPDATE SET release_id = excluded.release_id,
           paused_release = NULL, paused_reason = NULL, paused_at = NULL`,
      ),
      pause: db.prepare(
        "UPDATE channels SET paused_release = release_id, paused_reason = ?, paused_at = ? WHERE name = ? AND paused_release IS NULL",
      ),
      resume: db.prepare(
        "UPDATE channels SET paused_release = NULL, paused_reason = NULL, paused_at = NULL WHERE name = ? AND paused_release IS NOT NULL",
      ),
      instance: db.prepare<[string], InstanceRow>("SELECT * FROM instances WHERE machine_id = ?"),
      instances: db.prepare<[], InstanceRow>("SELECT * FROM instances ORDER BY alias, machine_id"),
      upsertInstance: db.prepare(
        `INSERT INTO instances (machine_id, alias, channel, version, status, new_version, last_error, last_check_at, updated_at)
         VALUES (@machineId, @alias, @channel, @version, @status, @newVersion, @lastError, @lastCheckAt, @updatedAt)
         ON CONFLICT(machine_id) DO UPDATE SET alias = excluded.alias, channel = excluded.channel,
           version = excluded.version, status = excluded.status, new_version = excluded.new_version,
           last_error = excluded.last_error, last_check_at = excluded.last_check_at, updated_at = excluded.updated_at`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (machine_id, at, type, result, error_code, previous_version, version)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      trimEvents: db.prepare(
        `DELETE FROM events WHERE machine_id = ? AND id <= (
           SELECT id FROM events WHERE machine_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      ),
    };
  }

  /** The server's signing key, made on first use and kept from then on. */
  signingKey(): SigningKey {
    const read = () => {
      const privateKey = this.q.meta.get("private_key")?.value;
      const publicKey = this.q.meta.get("public_key")?.value;
      return privateKey && publicKey ? { privateKey, publicKey } : undefined;
    };
    const existing = read();
    if (existing) return existing;
    const fresh = generateSigningKey();
    // Two processes opening a new store at once: the first insert wins, both read it back.
    this.db.transaction(() => {
      this.q.setMeta.run("private_key", fresh.privateKey);
      this.q.setMeta.run("public_key", fresh.publicKey);
    })();
    return read() as SigningKey;
  }

  channel(name: string): ChannelState | undefined {
    const row = this.q.current.get(name);
    if (!row) return undefined;
    const state: ChannelState = { name, release: release(row) };
    if (row.paused_release === row.id)
      state.paused = { reason: row.paused_reason ?? "", at: row.paused_at ?? 0 };
    return state;
  }

  releaseByFile(file: string): Release | undefined {
    const row = this.q.releaseByFile.get(file);
    return row ? release(row) : undefined;
  }

  /**
   * Adds a release and points its channel at it, in one transaction, if
   * `accept(current)` agrees (the version check runs against what is current
   * at commit time, not at the caller's earlier read).
   */
  addRelease(r: Omit<Release, "id">, accept: (current: Release | undefined) => void): Release {
    return this.db
      .transaction(() => {
        accept(this.channel(r.channel)?.release);
        const info = this.q.insertRelease.run({ ...r, base: r.base ? 1 : 0 });
        this.q.point.run(r.channel, info.lastInsertRowid);
        return { ...r, id: Number(info.lastInsertRowid) };
      })
      .immediate();
  }

  /** Runs `fn` in one write transaction. */
  atomically<T>(fn: () => T): T {
    return this.inTransaction.immediate(fn) as T;
  }

  /** Pauses the channel's current release; false when it already was. */
  pause(channel: string, reason: string, at: number): boolean {
    return this.q.pause.run(reason, at, channel).changes > 0;
  }

  /** Lifts the channel's pause; false when it was not paused. */
  resume(channel: string): boolean {
    return this.q.resume.run(channel).changes > 0;
  }

  instance(machineId: string): Instance | undefined {
    const row = this.q.instance.get(machineId);
    return row ? instance(row) : undefined;
  }

  instances(): Instance[] {
    return this.q.instances.all().map(instance);
  }

  saveInstance(i: Instance): void {
    this.q.upsertInstance.run(i);
  }

  /** Keeps each machine's last EVENTS_KEPT events. */
  recordEvent(machineId: string, at: number, e: EventRecord): void {
    this.db.transaction(() => {
      this.q.insertEvent.run(
        machineId,
        at,
        e.type,
        e.result,
        e.errorCode ?? null,
        e.previousVersion ?? null,
        e.version,
      );
      this.q.trimEvents.run(machineId, machineId, EVENTS_KEPT);
    })();
  }

  close(): void {
    this.db.close();
  }
}

export const EVENTS_KEPT = 100;

export interface EventRecord {
  type: number;
  result: number;
  errorCode?: number;
  previousVersion?: string;
  version: string;
}

interface InstanceRow {
  machine_id: string;
  alias: string;
  channel: string;
  version: string;
  status: string;
  new_version: string;
  last_error: string;
  last_check_at: number;
  updated_at: number;
}

const instance = (r: InstanceRow): Instance => ({
  machineId: r.machine_id,
  alias: r.alias,
  channel: r.channel,
  version: r.version,
  status: r.status,
  newVersion: r.new_version,
  lastError: r.last_error,
  lastCheckAt: r.last_check_at,
  updatedAt: r.updated_at,
});
