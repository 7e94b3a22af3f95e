/**
 * Runs parsed operations against a store: the discovery service minus HTTP.
 * Long-polls wait on the store's subscriptions and the injected clock.
 */
import { randomBytes } from "node:crypto";
import type { Reply } from "../host/index.js";
import type { Clock } from "./clock.js";
import { DiscoveryError, ErrorCode, keyNotFound, nodeExists } from "./errors.js";
import {
  deleteMemberBody,
  deleteTokenBody,
  type Limits,
  listBody,
  type MemberEvent,
  memberBody,
  memberLimit,
  type Operation,
  sizeBody,
  watchMatches,
  watchStart,
} from "./protocol.js";
import { RateLimiter } from "./rate-limit.js";
import type { Store } from "./store.js";

export type { Reply };

export interface ServiceOptions extends Limits {
  publicUrl: string;
  tokenTtlMs: number;
  newRate: number;
  /** How long a watch is held before the empty 200 (etcd's client then re-polls at once). */
  holdMs: number;
}

/** Observers for /metrics; all optional. */
export interface ServiceHooks {
  storeLatency?: (op: string, seconds: number) => void;
  watchesChanged?: (open: number) => void;
}

const json = (status: number, body: object, index?: number): Reply => ({
  status,
  headers: {
    "content-type": "application/json",
    ...(index !== undefined ? { "x-etcd-index": String(index) } : {}),
  },
  body: JSON.stringify(body),
});

export function errorReply(err: DiscoveryError): Reply {
  const reply = json(err.status, err.toJSON(), err.index || undefined);
  Object.assign(reply.headers, err.headers);
  return reply;
}

export class DiscoveryService {
  private limiter: RateLimiter;
  private openWatches = 0;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly options: ServiceOptions,
    private hooks: ServiceHooks = {},
  ) {
    this.limiter = new RateLimiter(options.newRate);
  }

  get watches(): number {
    return this.openWatches;
  }

  /** Times one store call for the latency histogram. */
  private async timed<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.hooks.storeLatency?.(op, (performance.now() - start) / 1000);
    }
  }

  async newToken(size: number, client: string): Promise<Reply> {
    const wait = this.limiter.take(client, this.clock.now());
    if (wait > 0) {
      return errorReply(
        new DiscoveryError(
          429,
          ErrorCode.InvalidField,
          `too many new tokens from ${client}; retry in ${wait}s`,
          0,
          {
            "retry-after": String(wait),
          },
        ),
      );
    }
    const token = randomBytes(16).toString("hex");
    const now = this.clock.now();
    await this.timed("createToken", () =>
      this.store.createToken({
        token,
        size,
        createdAt: now,
        expiresAt: now + this.options.tokenTtlMs,
      }),
    );
    return {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: `${this.options.publicUrl}/${token}`,
    };
  }

  /** Runs one token operation; `closed` fires when the client goes away mid long-poll. */
  async run(
    op: Exclude<Operation, { kind: "home" | "health" | "metrics" | "robots" | "new" }>,
    closed?: AbortSignal,
  ): Promise<Reply> {
    const now = this.clock.now();
    const { token } = op;
    switch (op.kind) {
      case "getSize":
      case "list":
      case "getMember": {
        const found = await this.timed("getToken", () => this.store.getToken(token, now));
        const key =
          op.kind === "getSize"
            ? `/${token}/_config/size`
            : op.kind === "list"
              ? `/${token}`
              : `/${token}/${op.member}`;
        if (!found) throw keyNotFound(key);
        const { info, members } = found;
        if (op.kind === "getSize") return json(200, sizeBody(info), info.index);
        if (op.kind === "list") return json(200, listBody(info, members), info.index);
        const node = members.find((m) => m.name === op.member);
        if (!node) throw keyNotFound(key, info.index);
        return json(200, memberBody("get", token, node), info.index);
      }
      case "put": {
        const result = await this.timed("createMember", () =>
          this.store.createMember(token, op.member, op.value, now, memberLimit),
        );
        const key = `/${token}/${op.member}`;
        switch (result.kind) {
          case "no-token":
            throw keyNotFound(`/${token}`);
          case "exists":
            throw nodeExists(key, result.index);
          case "full":
            throw new DiscoveryError(
              403,
              ErrorCode.InvalidField,
              `token holds its limit of ${result.limit} members`,
              result.index,
            );
          case "created":
            return json(201, memberBody("create", token, result.node), result.node.modifiedIndex);
        }
        break;
      }
      case "deleteMember": {
        const result = await this.timed("deleteMember", () =>
          this.store.deleteMember(token, op.member, now),
        );
        if (result.kind === "no-token") throw keyNotFound(`/${token}`);
        if (result.kind === "no-key") throw keyNotFound(`/${token}/${op.member}`, result.index);
        return json(200, deleteMemberBody(token, result.prev, result.index), result.index);
      }
      case "deleteToken": {
        const result = await this.timed("deleteToken", () => this.store.deleteToken(token, now));
        if (!result) throw keyNotFound(`/${token}`);
        return json(200, deleteTokenBody(result.info, result.index), result.index);
      }
      case "watch":
        return this.watch(op, closed ?? new AbortController().signal);
    }
  }

  private async watch(
    op: Extract<Operation, { kind: "watch" }>,
    closed: AbortSignal,
  ): Promise<Reply> {
    const { token } = op;
    this.openWatches++;
    this.hooks.watchesChanged?.(this.openWatches);
    // Subscribe before reading history, so a registration landing in between is not missed.
    let resolveEvent: (e: MemberEvent | undefined) => void = () => {};
    const live = new Promise<MemberEvent | undefined>((resolve) => {
      resolveEvent = resolve;
    });
    let fromIndex = Number.POSITIVE_INFINITY;
    const early: MemberEvent[] = [];
    const unsubscribe = this.store.subscribe(token, (e) => {
      if (fromIndex === Number.POSITIVE_INFINITY) early.push(e);
      else if (watchMatches(op, e, fromIndex)) resolveEvent(e);
    });
    const cancelTimer = this.clock.after(this.options.holdMs, () => resolveEvent(undefined));
    const onClose = () => resolveEvent(undefined);
    closed.addEventListener("abort", onClose);
    try {
      const now = this.clock.now();
      const found = await this.timed("getToken", () => this.store.getToken(token, now));
      const key = op.member === undefined ? `/${token}` : `/${token}/${op.member}`;
      if (!found) throw keyNotFound(key);
      fromIndex = watchStart(op.waitIndex, found.info.index);
      const past =
        op.member === undefined && !op.recursive
          ? undefined // a non-recursive watch on the directory sees only the directory's own changes
          : await this.timed("firstEvent", () =>
              this.store.firstEvent(token, fromIndex, op.member),
            );
      const event = past ?? early.find((e) => watchMatches(op, e, fromIndex)) ?? (await live);
      if (!event)
        return { status: 200, headers: { "x-etcd-index": String(found.info.index) }, body: "" };
      return json(200, memberBody("create", token, event), event.modifiedIndex);
    } finally {
      unsubscribe();
      cancelTimer();
      closed.removeEventListener("abort", onClose);
      this.openWatches--;
      this.hooks.watchesChanged?.(this.openWatches);
    }
  }

  /** A real write-and-read round trip through the store. */
  async health(): Promise<Reply> {
    const token = `health-${randomBytes(8).toString("hex")}`;
    const now = this.clock.now();
    try {
      await this.store.createToken({ token, size: 1, createdAt: now, expiresAt: now + 60_000 });
      const created = await this.store.createMember(token, "probe", "ok", now, () => 1);
      const read = await this.store.getToken(token, now);
      await this.store.deleteToken(token, now);
      if (created.kind !== "created" || read?.members[0]?.value !== "ok") {
        return json(503, { health: "false", reason: "the store did not return what was written" });
      }
      return json(200, { health: "true" });
    } catch (err) {
      return json(503, {
        health: "false",
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
