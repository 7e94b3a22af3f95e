import { readFileSync } from "node:fs";
import { Agent as HttpAgent, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { ShoalError } from "../errors/index.js";
import { exchange, NoAnswer, openStream } from "../host/index.js";
import { errorMessage } from "./codec.js";

export interface EtcdClientOptions {
  /** Client URLs (http:// or https://); a member that does not answer is stepped over. */
  endpoints: readonly string[];
  /** Deadline of each call on one member; watch streams have none once open. */
  requestTimeoutMs?: number;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  auth?: { username: string; password: string };
}

/** An error etcd answered with (a failed compare is not one: that is a txn's `succeeded`). */
export class EtcdError extends ShoalError {
  override name = "EtcdError";
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** No member answered; `attempts` says why for each one tried. */
export class EtcdUnavailable extends ShoalError {
  override name = "EtcdUnavailable";
  constructor(readonly attempts: NoAnswer[]) {
    super(
      `etcd cluster is unavailable: ${attempts.map((a) => a.message).join("; ") || "no endpoints"}`,
    );
  }
}

/**
 * How the client reaches etcd: one keep-alive agent for all members, the
 * member that answered last tried first, an auth token fetched on first
 * use and again when etcd says it expired.
 */
export class Transport {
  readonly endpoints: string[];
  readonly timeoutMs: number;
  private readonly agent: HttpAgent;
  private current = 0;
  private token: Promise<string> | undefined;

  constructor(private readonly opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new ShoalError("no etcd endpoints given");
    for (const e of opts.endpoints) {
      if (!/^https?:\/\/[^/]+$/.test(e.replace(/\/$/, ""))) {
        throw new ShoalError(`endpoint "${e}" is not an etcd URL (http://HOST:PORT)`);
      }
    }
    this.endpoints = opts.endpoints.map((e) => e.replace(/\/$/, ""));
    this.timeoutMs = opts.requestTimeoutMs ?? 5_000;
    const tls = opts.tls ?? {};
    // One agent per scheme would do; clusters are all-http or all-https.
    this.agent = this.endpoints.some((e) => e.startsWith("https:"))
      ? new HttpsAgent({
          keepAlive: true,
          ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
          ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
          ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
        })
      : new HttpAgent({ keepAlive: true });
  }

  /**
   * POSTs body to path on the first member that answers. A member that is
   * down is stepped over; one that may have received the request is
   * retried elsewhere only when `idempotent` (a read), since a write could
   * otherwise apply twice.
   */
  async call<T>(path: string, body: unknown, opts: { idempotent: boolean }): Promise<T> {
    for (let fresh = false; ; fresh = true) {
      try {
        return await this.callOnce<T>(path, body, opts, await this.headers());
      } catch (err) {
        // Simple tokens expire after a while idle: fetch a new one, once.
        if (fresh || !this.opts.auth || !isExpiredToken(err)) throw err;
        this.token = undefined;
      }
    }
  }

  private async callOnce<T>(
    path: string,
    body: unknown,
    { idempotent }: { idempotent: boolean },
    headers: Record<string, string>,
  ): Promise<T> {
    const failed: NoAnswer[] = [];
    const n = this.endpoints.length;
    for (let i = 0; i < n; i++) {
      const index = (this.current + i) % n;
      const url = `${this.endpoints[index]}${path}`;
      let answer: { status: number; text: string };
      try {
        answer = await exchange(url, {
          body,
          timeoutMs: this.timeoutMs,
          agent: this.agent,
          headers,
        });
      } catch (err) {
        if (!(err instanceof NoAnswer)) throw err;
        failed.push(err);
        if (err.sent && !idempotent) break;
        continue;
      }
      if (answer.status === 404) {
        // etcd's gRPC proxy (or something else) on the port: no JSON gateway, so no member here.
        failed.push(
          new NoAnswer(url, "HTTP 404: not etcd's v3 JSON gateway (an etcd grpc-proxy?)"),
        );
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        throw new EtcdError(url, answer.status, `${url}: HTTP ${answer.status}, not etcd's JSON`);
      }
      // 503: no leader or the member is stopping; another member may serve a read.
      if (answer.status === 503 && idempotent) {
        failed.push(new NoAnswer(url, `HTTP 503: ${errorMessage(parsed) ?? ""}`, undefined, true));
        continue;
      }
      if (answer.status >= 400) {
        throw new EtcdError(url, answer.status, errorMessage(parsed) ?? `HTTP ${answer.status}`);
      }
      this.current = index;
      return parsed as T;
    }
    throw new EtcdUnavailable(failed);
  }

  /**
   * Opens a streaming POST (a watch) on the first member that answers, in
   * the order calls use; a watch whose stream ended moves that order on
   * past its member with stepPast.
   */
  async stream(
    path: string,
    body: unknown,
  ): Promise<{ res: IncomingMessage; close(): void; url: string }> {
    const headers = await this.headers();
    const failed: NoAnswer[] = [];
    const n = this.endpoints.length;
    for (let i = 0; i < n; i++) {
      const index = (this.current + i) % n;
      const url = `${this.endpoints[index]}${path}`;
      try {
        const opened = await openStream(url, {
          body,
          timeoutMs: this.timeoutMs,
          agent: this.agent,
          headers,
        });
        if (opened.res.statusCode !== 200) {
          opened.close();
          if (opened.res.statusCode === 401 && this.opts.auth) this.token = undefined;
          failed.push(new NoAnswer(url, `HTTP ${opened.res.statusCode}`, undefined, true));
          continue;
        }
        return { ...opened, url };
      } catch (err) {
        if (!(err instanceof NoAnswer)) throw err;
        failed.push(err);
      }
    }
    throw new EtcdUnavailable(failed);
  }

  /** The member to try first from now on is the one after the one at url. */
  stepPast(url: string): void {
    const index = this.endpoints.findIndex((e) => url.startsWith(`${e}/`));
    if (index === this.current) this.current = (index + 1) % this.endpoints.length;
  }

  private async headers(): Promise<Record<string, string>> {
    const auth = this.opts.auth;
    if (!auth) return {};
    this.token ??= this.callOnce<{ token?: string }>(
      "/v3/auth/authenticate",
      { name: auth.username, password: auth.password },
      { idempotent: true },
      {},
    ).then((r) => r.token ?? "");
    const pending = this.token;
    try {
      return { authorization: await pending };
    } catch (err) {
      if (this.token === pending) this.token = undefined;
      throw err;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

function isExpiredToken(err: unknown): boolean {
  return err instanceof EtcdError && /invalid auth token/.test(err.message);
}
