/**
 * The shared store: an etcd cluster (v3 API), so several server replicas
 * can serve the same tokens. Layout under `shoal/discovery/`:
 *   t/TOKEN        {size, idx, createdAt, expiresAt}   (idx = the token's index)
 *   m/TOKEN/NAME   {value, createdIndex}
 *   e/TOKEN/IDX    {name, value}                        (history, zero-padded IDX)
 * Every write is one transaction guarded by the token key's mod revision,
 * so the token index and its history move together across replicas. One
 * v3 watch per replica on e/ wakes local long-polls for writes made anywhere.
 */
import { compare, EtcdClient, op, type Watch, type WatchEvent } from "../etcd/index.js";
import { StoreError } from "./errors.js";
import type { MemberEvent, MemberNode, TokenInfo } from "./protocol.js";
import { SIZE_INDEX } from "./protocol.js";
import type { CreateMemberResult, DeleteMemberResult, Store } from "./store.js";
import { Subscribers } from "./store.js";

const P = "shoal/discovery/";
const tokenKey = (t: string) => `${P}t/${t}`;
const memberPrefix = (t: string) => `${P}m/${t}/`;
const eventPrefix = (t: string) => `${P}e/${t}/`;
const eventKey = (t: string, idx: number) => `${eventPrefix(t)}${String(idx).padStart(15, "0")}`;
/** Optimistic transactions retry this often before reporting contention as a store error. */
const MAX_ATTEMPTS = 50;

interface TokenDoc {
  size: number;
  idx: number;
  createdAt: number;
  expiresAt: number;
}

export class EtcdStore implements Store {
  private subscribers = new Subscribers();

  private watcher: Watch | undefined;

  private constructor(private client: EtcdClient) {}

  static async open(
    endpoints: string[],
    onError: (err: unknown) => void = () => {},
  ): Promise<EtcdStore> {
    const client = new EtcdClient({ endpoints, requestTimeoutMs: 3000 });
    const store = new EtcdStore(client);
    try {
      store.watcher = await client.watch(
        `${P}e/`,
        { prefix: true },
        {
          onEvents: (events) => {
            for (const e of events) {
              if (e.type !== "put") continue;
              try {
                store.onEvent(e);
              } catch (err) {
                onError(err); // a foreign value under our prefix must not take the server down
              }
            }
          },
          onError,
        },
      );
      return store;
    } catch (err) {
      client.close();
      throw err;
    }
  }

  private onEvent(kv: WatchEvent): void {
    const rest = kv.key.slice(`${P}e/`.length);
    const [token, idx] = rest.split("/");
    if (!token || !idx) return;
    const { name, value } = JSON.parse(kv.value) as { name: string; value: string };
    const index = Number(idx);
    this.subscribers.emit({ token, name, value, createdIndex: index, modifiedIndex: index });
  }

  private async readToken(
    token: string,
    now: number,
  ): Promise<{ doc: TokenDoc; rev: string } | undefined> {
    const kv = await this.client.get(tokenKey(token));
    if (!kv) return undefined;
    const doc = JSON.parse(kv.value) as TokenDoc;
    if (doc.expiresAt <= now) return undefined;
    return { doc, rev: kv.modRevision };
  }

  private info(token: string, doc: TokenDoc): TokenInfo {
    return {
      token,
      size: doc.size,
      index: doc.idx,
      createdAt: doc.createdAt,
      expiresAt: doc.expiresAt,
    };
  }

  async createToken(info: Omit<TokenInfo, "index">): Promise<void> {
    const doc: TokenDoc = {
      size: info.size,
      idx: SIZE_INDEX,
      createdAt: info.createdAt,
      expiresAt: info.expiresAt,
    };
    const res = await this.client.txn({
      compare: [compare(tokenKey(info.token), "Create", "==", 0)],
      success: [op.put(tokenKey(info.token), JSON.stringify(doc))],
    });
    if (!res.succeeded) throw new StoreError(`token ${info.token} already exists`);
  }

  private async members(token: string): Promise<MemberNode[]> {
    const all = await this.client.getPrefix(memberPrefix(token));
    return [...all].map(([key, raw]) => {
      const m = JSON.parse(raw) as { value: string; createdIndex: number; modifiedIndex: number };
      return { name: key.slice(memberPrefix(token).length), ...m };
    });
  }

  async getToken(token: string, now: number) {
    const found = await this.readToken(token, now);
    if (!found) return undefined;
    // Members are read after the token: drop any registered since, so the list matches the index.
    const members = (await this.members(token))
      .filter((m) => m.createdIndex <= found.doc.idx)
      .sort((a, b) => a.createdIndex - b.createdIndex);
    return { info: this.info(token, found.doc), members };
  }

  async createMember(
    token: string,
    name: string,
    value: string,
    now: number,
    limitFor: (size: number) => number,
  ): Promise<CreateMemberResult> {
    const mkey = `${memberPrefix(token)}${name}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const found = await this.readToken(token, now);
      if (!found) return { kind: "no-token" };
      const { doc, rev } = found;
      if (await this.client.get(mkey)) return { kind: "exists", index: doc.idx };
      const limit = limitFor(doc.size);
      const { count } = await this.client.range(memberPrefix(token), {
        prefix: true,
        countOnly: true,
      });
      if (count >= limit) {
        return { kind: "full", index: doc.idx, limit };
      }
      const index = doc.idx + 1;
      const res = await this.client.txn({
        compare: [compare(tokenKey(token), "Mod", "==", rev), compare(mkey, "Create", "==", 0)],
        success: [
          op.put(tokenKey(token), JSON.stringify({ ...doc, idx: index })),
          op.put(mkey, JSON.stringify({ value, createdIndex: index, modifiedIndex: index })),
          op.put(eventKey(token, index), JSON.stringify({ name, value })),
        ],
      });
      if (res.succeeded)
        return {
          kind: "created",
          node: { name, value, createdIndex: index, modifiedIndex: index },
        };
    }
    throw new StoreError(
      `too much contention on token ${token}: ${MAX_ATTEMPTS} writes in a row lost the race`,
    );
  }

  async deleteMember(token: string, name: string, now: number): Promise<DeleteMemberResult> {
    const mkey = `${memberPrefix(token)}${name}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const found = await this.readToken(token, now);
      if (!found) return { kind: "no-token" };
      const { doc, rev } = found;
      const kv = await this.client.get(mkey);
      if (!kv) return { kind: "no-key", index: doc.idx };
      const m = JSON.parse(kv.value) as {
        value: string;
        createdIndex: number;
        modifiedIndex: number;
      };
      const index = doc.idx + 1;
      const res = await this.client.txn({
        compare: [
          compare(tokenKey(token), "Mod", "==", rev),
          compare(mkey, "Mod", "==", kv.modRevision),
        ],
        success: [op.put(tokenKey(token), JSON.stringify({ ...doc, idx: index })), op.delete(mkey)],
      });
      if (res.succeeded) return { kind: "deleted", prev: { name, ...m }, index };
    }
    throw new StoreError(
      `too much contention on token ${token}: ${MAX_ATTEMPTS} writes in a row lost the race`,
    );
  }

  async deleteToken(token: string, now: number) {
    const found = await this.readToken(token, now);
    if (!found) return undefined;
    await this.drop(token);
    return { info: this.info(token, found.doc), index: found.doc.idx + 1 };
  }

  private async drop(token: string): Promise<void> {
    await this.client.txn({
      compare: [compare(tokenKey(token), "Create", ">", 0)],
      success: [
        op.delete(tokenKey(token)),
        op.deletePrefix(memberPrefix(token)),
        op.deletePrefix(eventPrefix(token)),
      ],
    });
  }

  async firstEvent(
    token: string,
    fromIndex: number,
    member?: string,
  ): Promise<MemberEvent | undefined> {
    const from = eventKey(token, fromIndex);
    // etcd answers a range in key order.
    const all = await this.client.getPrefix(eventPrefix(token));
    for (const [key, raw] of all) {
      if (key < from) continue;
      const { name, value } = JSON.parse(raw) as { name: string; value: string };
      if (member !== undefined && name !== member) continue;
      const index = Number(key.slice(eventPrefix(token).length));
      return { token, name, value, createdIndex: index, modifiedIndex: index };
    }
    return undefined;
  }

  subscribe(token: string, fn: (event: MemberEvent) => void): () => void {
    return this.subscribers.add(token, fn);
  }

  async deleteExpired(now: number): Promise<number> {
    const all = await this.client.getPrefix(`${P}t/`);
    let removed = 0;
    for (const [key, raw] of all) {
      const doc = JSON.parse(raw) as TokenDoc;
      if (doc.expiresAt > now) continue;
      await this.drop(key.slice(`${P}t/`.length));
      removed++;
    }
    return removed;
  }

  async stats(now: number) {
    const all = await this.client.getPrefix(`${P}t/`);
    const live = new Set(
      [...all]
        .filter(([, raw]) => (JSON.parse(raw) as TokenDoc).expiresAt > now)
        .map(([key]) => key.slice(`${P}t/`.length)),
    );
    const { kvs } = await this.client.range(`${P}m/`, { prefix: true, keysOnly: true });
    const members = kvs.filter((kv) =>
      live.has(kv.key.slice(`${P}m/`.length).split("/")[0] as string),
    ).length;
    return { tokens: live.size, members };
  }

  async close(): Promise<void> {
    await this.watcher?.cancel();
    this.client.close();
  }
}
