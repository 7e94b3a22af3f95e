import {
  b64,
  type Compare,
  decodeRange,
  decodeTxn,
  encodeTxn,
  type KeyValue,
  type Op,
  type RangeResult,
  rangeOf,
  type TxnResult,
} from "./codec.js";
import { Lease } from "./lease.js";
import { type EtcdClientOptions, Transport } from "./transport.js";
import { Watch, type WatchHandlers } from "./watch.js";

/** What a client and its namespaces share: the transport and what close() must end. */
interface Session {
  t: Transport;
  leases: Set<Lease>;
  watches: Set<Watch>;
}

/**
 * etcd v3's key-value calls, with every key under `prefix` (a namespace:
 * keys given and returned are relative to it).
 */
export class Kv {
  constructor(
    protected readonly s: Session,
    readonly prefix = "",
  ) {}

  namespace(prefix: string): Kv {
    return new Kv(this.s, this.prefix + prefix);
  }

  async range(
    key: string,
    opts: { prefix?: boolean; keysOnly?: boolean; countOnly?: boolean } = {},
  ): Promise<RangeResult> {
    const body = await this.s.t.call<Parameters<typeof decodeRange>[0]>(
      "/v3/kv/range",
      {
        ...rangeOf(this.prefix + key, opts.prefix),
        ...(opts.keysOnly ? { keys_only: true } : {}),
        ...(opts.countOnly ? { count_only: true } : {}),
      },
      { idempotent: true },
    );
    const res = decodeRange(body);
    return { ...res, kvs: res.kvs.map((kv) => this.strip(kv)) };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    return (await this.range(key)).kvs[0];
  }

  /** Every key under prefix (relative to the namespace) with its value, in key order. */
  async getPrefix(prefix: string): Promise<Map<string, string>> {
    const { kvs } = await this.range(prefix, { prefix: true });
    return new Map(kvs.map((kv) => [kv.key, kv.value]));
  }

  async put(key: string, value: string, opts: { lease?: string } = {}): Promise<void> {
    await this.s.t.call(
      "/v3/kv/put",
      {
        key: b64(this.prefix + key),
        value: b64(value),
        ...(opts.lease ? { lease: opts.lease } : {}),
      },
      { idempotent: false },
    );
  }

  /** Deletes key, or every key under it with prefix; says how many went. */
  async delete(key: string, opts: { prefix?: boolean } = {}): Promise<number> {
    const body = await this.s.t.call<{ deleted?: string }>(
      "/v3/kv/deleterange",
      rangeOf(this.prefix + key, opts.prefix),
      { idempotent: false },
    );
    return Number(body.deleted ?? 0);
  }

  /** If every compare holds, success's operations, else failure's, all at one revision. */
  async txn(t: { compare: Compare[]; success: Op[]; failure?: Op[] }): Promise<TxnResult> {
    const p = this.prefix;
    const at = (o: Op): Op =>
      "get" in o
        ? { get: { ...o.get, key: p + o.get.key } }
        : "put" in o
          ? { put: { ...o.put, key: p + o.put.key } }
          : { delete: { ...o.delete, key: p + o.delete.key } };
    const body = await this.s.t.call<Parameters<typeof decodeTxn>[0]>(
      "/v3/kv/txn",
      encodeTxn({
        compare: t.compare.map((c) => ({ ...c, key: p + c.key })),
        success: t.success.map(at),
        failure: (t.failure ?? []).map(at),
      }),
      { idempotent: false },
    );
    const res = decodeTxn(body);
    return {
      ...res,
      responses: res.responses.map((r) =>
        "kvs" in r ? { kvs: r.kvs.map((kv) => this.strip(kv)) } : r,
      ),
    };
  }

  /**
   * Watches key (or every key under it with prefix) from startRevision, or
   * from now; resolves once etcd has created the watch.
   */
  async watch(
    key: string,
    opts: { prefix?: boolean; startRevision?: string },
    handlers: WatchHandlers,
  ): Promise<Watch> {
    const n = this.prefix.length;
    const w = new Watch(
      this.s.t,
      this.prefix + key,
      opts.prefix ?? false,
      {
        ...handlers,
        onEvents: (events) => handlers.onEvents(events.map((e) => ({ ...e, key: e.key.slice(n) }))),
      },
      (ended) => this.s.watches.delete(ended),
      opts.startRevision,
    );
    this.s.watches.add(w);
    await w.ready();
    return w;
  }

  /** A lease of ttlSeconds, granted at once and kept alive until revoked, released or lost. */
  lease(ttlSeconds: number): Lease {
    const lease = new Lease(this.s.t, ttlSeconds, (ended) => this.s.leases.delete(ended));
    this.s.leases.add(lease);
    return lease;
  }

  private strip(kv: KeyValue): KeyValue {
    return { ...kv, key: kv.key.slice(this.prefix.length) };
  }
}

/**
 * The etcd v3 client shoal's daemons and commands use: plain HTTP(S)
 * against the JSON gateway on the client port, no gRPC to load (a third of
 * a fleetd's memory went to it).
 */
export class EtcdClient extends Kv {
  constructor(opts: EtcdClientOptions) {
    super({ t: new Transport(opts), leases: new Set(), watches: new Set() });
  }

  get endpoints(): readonly string[] {
    return this.s.t.endpoints;
  }

  /** Every member's client URLs, as the cluster lists them. */
  async memberClientUrls(): Promise<string[]> {
    const body = await this.s.t.call<{ members?: Array<{ clientURLs?: string[] }> }>(
      "/v3/cluster/member/list",
      {},
      { idempotent: true },
    );
    return (body.members ?? []).flatMap((m) => m.clientURLs ?? []);
  }

  /** Ends every watch and stops keeping leases alive (etcd expires them), then the connections. */
  close(): void {
    for (const w of [...this.s.watches]) void w.cancel();
    for (const l of [...this.s.leases]) l.release();
    this.s.t.close();
  }
}
