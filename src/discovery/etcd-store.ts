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
import { Etcd3, type IKeyValue, type Watcher } from "etcd3";
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

  private constructor(
    private client: Etcd3,
    private watcher: Watcher,
    onError: (err: unknown) => void,
  ) {
    watcher.on("put", (kv) => {
      try {
        this.onEvent(kv);
      } catch (err) {
        onError(err); // a foreign value under our prefix must not take the server down
      }
    });
    // Without a listener an 'error' event would throw; etcd3 reconnects on its own otherwise.
    watcher.on("error", onError);
  }

  static async open(
    endpoints: string[],
    onError: (err: unknown) => void = () => {},
  ): Promise<EtcdStore> {
    const client = new Etcd3({ hosts: endpoints, dialTimeout: 3000 });
    try {
      const watcher = await client.watch().prefix(`${P}e/`).create();
      return new EtcdStore(client, watcher, onError);
    } catch (err) {
      client.close();
      throw err;
    }
  }

  private onEvent(kv: IKeyValue): void {
    const rest = kv.key.toString().slice(`${P}e/`.length);
    const [token, idx] = rest.split("/");
    if (!token || !idx) return;
    const { name, value } = JSON.parse(kv.value.toString()) as { name: string; value: string };
    const index = Number(idx);
    this.subscribers.emit({ token, name, value, createdIndex: index, modifiedIndex: index });
  }

  private async readToken(
    token: string,
    now: number,
  ): Promise<{ doc: TokenDoc; rev: string } | undefined> {
    const res = await this.client.get(tokenKey(token)).exec();
    const kv = res.kvs[0];
    if (!kv) return undefined;
    const doc = JSON.parse(kv.value.toString()) as TokenDoc;
    if (doc.expiresAt <= now) return undefined;
    return { doc, rev: kv.mod_revision };
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
    const res = await this.client
      .if(tokenKey(info.token), "Create", "==", 0)
      .then(this.client.put(tokenKey(info.token)).value(JSON.stringify(doc)))
      .commit();
    if (!res.succeeded) throw new StoreError(`token ${info.token} already exists`);
  }

  private async members(token: string): Promise<MemberNode[]> {
    const all = await this.client.getAll().prefix(memberPrefix(token)).strings();
    return Object.entries(all).map(([key, raw]) => {
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
      if ((await this.client.get(mkey).exec()).kvs.length > 0)
        return { kind: "exists", index: doc.idx };
      const limit = limitFor(doc.size);
      if ((await this.client.getAll().prefix(memberPrefix(token)).count()) >= limit) {
        return { kind: "full", index: doc.idx, limit };
      }
      const index = doc.idx + 1;
      const res = await this.client
        .if(tokenKey(token), "Mod", "==", rev)
        .and(mkey, "Create", "==", 0)
        .then(
          this.client.put(tokenKey(token)).value(JSON.stringify({ ...doc, idx: index })),
          this.client
            .put(mkey)
            .value(JSON.stringify({ value, createdIndex: index, modifiedIndex: index })),
          this.client.put(eventKey(token, index)).value(JSON.stringify({ name, value })),
        )
        .commit();
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
      const kv = (await this.client.get(mkey).exec()).kvs[0];
      if (!kv) return { kind: "no-key", index: doc.idx };
      const m = JSON.parse(kv.value.toString()) as {
        value: string;
        createdIndex: number;
        modifiedIndex: number;
      };
      const index = doc.idx + 1;
      const res = await this.client
        .if(tokenKey(token), "Mod", "==", rev)
        .and(mkey, "Mod", "==", kv.mod_revision)
        .then(
          this.client.put(tokenKey(token)).value(JSON.stringify({ ...doc, idx: index })),
          this.client.delete().key(mkey),
        )
        .commit();
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
    await this.client
      .if(tokenKey(token), "Create", ">", 0)
      .then(
        this.client.delete().key(tokenKey(token)),
        this.client.delete().prefix(memberPrefix(token)),
        this.client.delete().prefix(eventPrefix(token)),
      )
      .commit();
  }

  async firstEvent(
    token: string,
    fromIndex: number,
    member?: string,
  ): Promise<MemberEvent | undefined> {
    const from = eventKey(token, fromIndex);
    const all = await this.client
      .getAll()
      .prefix(eventPrefix(token))
      .sort("Key", "Ascend")
      .strings();
    for (const [key, raw] of Object.entries(all)) {
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
    const all = await this.client.getAll().prefix(`${P}t/`).strings();
    let removed = 0;
    for (const [key, raw] of Object.entries(all)) {
      const doc = JSON.parse(raw) as TokenDoc;
      if (doc.expiresAt > now) continue;
      await this.drop(key.slice(`${P}t/`.length));
      removed++;
    }
    return removed;
  }

  async stats(now: number) {
    const all = await this.client.getAll().prefix(`${P}t/`).strings();
    const live = new Set(
      Object.entries(all)
        .filter(([, raw]) => (JSON.parse(raw) as TokenDoc).expiresAt > now)
        .map(([key]) => key.slice(`${P}t/`.length)),
    );
    const memberKeys = await this.client.getAll().prefix(`${P}m/`).keys();
    const members = memberKeys.filter((k) =>
      live.has(k.toString().slice(`${P}m/`.length).split("/")[0] as string),
    ).length;
    return { tokens: live.size, members };
  }

  async close(): Promise<void> {
    await this.watcher.cancel();
    this.client.close();
  }
}
