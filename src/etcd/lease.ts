import { errorMessage } from "./codec.js";
import type { Transport } from "./transport.js";

/**
 * A lease of ttl seconds, granted at once and kept alive every third of
 * its TTL until revoked or released. It is lost when etcd says it no
 * longer exists, or when no keepalive got through for a whole TTL (etcd
 * will have expired it, with every key on it): `onLost` listeners hear it
 * once, and `revoked()` is true from then on.
 */
export class Lease {
  private readonly id: Promise<string>;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly lostListeners: Array<(err: Error) => void> = [];

  constructor(
    private readonly t: Transport,
    readonly ttlSeconds: number,
    private readonly onEnd: (lease: Lease) => void,
  ) {
    this.id = t
      .call<{ ID?: string; TTL?: string }>(
        "/v3/lease/grant",
        { TTL: String(ttlSeconds) },
        { idempotent: false },
      )
      .then(
        (res) => {
          const id = res.ID ?? "0";
          // etcd may raise a TTL below its minimum; keep alive by what it granted.
          this.schedule(Date.now(), Number(res.TTL ?? ttlSeconds));
          return id;
        },
        (err: Error) => {
          this.lose(new Error(`could not grant a lease: ${err.message}`));
          throw err;
        },
      );
    this.id.catch(() => {}); // callers see the failure through grant() and onLost
  }

  /** The lease's id (decimal), once granted. */
  grant(): Promise<string> {
    return this.id;
  }

  revoked(): boolean {
    return this.ended;
  }

  onLost(fn: (err: Error) => void): void {
    this.lostListeners.push(fn);
  }

  /** Ends the lease now: etcd deletes every key attached to it. */
  async revoke(): Promise<void> {
    const id = await this.id;
    this.end();
    await this.t.call("/v3/lease/revoke", { ID: id }, { idempotent: true });
  }

  /** Stops keeping the lease alive; etcd expires it after its TTL. */
  release(): void {
    this.end();
  }

  private schedule(lastRenewed: number, ttl: number): void {
    if (this.ended) return;
    this.timer = setTimeout(() => void this.keepAlive(lastRenewed, ttl), (ttl * 1000) / 3);
  }

  private async keepAlive(lastRenewed: number, ttl: number): Promise<void> {
    const id = await this.id;
    const asked = Date.now();
    let granted: number;
    try {
      const res = await this.t.call<{ result?: { TTL?: string }; error?: unknown }>(
        "/v3/lease/keepalive",
        { ID: id },
        { idempotent: true },
      );
      // An error inside the stream (no leader, say) is a failed keepalive, not a verdict.
      if (!res.result) throw new Error(errorMessage(res) ?? "no keepalive answer");
      granted = Number(res.result.TTL ?? 0);
    } catch (err) {
      if (Date.now() - lastRenewed >= ttl * 1000) {
        this.lose(new Error(`no keepalive got through in ${ttl} s: ${(err as Error).message}`));
      } else this.schedule(lastRenewed, ttl);
      return;
    }
    if (granted <= 0) this.lose(new Error(`lease ${id} expired or was revoked on etcd`));
    else this.schedule(asked, granted);
  }

  private lose(err: Error): void {
    if (this.ended) return;
    this.end();
    for (const fn of this.lostListeners) fn(err);
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.onEnd(this);
  }
}
