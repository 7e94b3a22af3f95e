/**
 * Per-client token bucket for /new: `perMinute` tokens, refilled evenly.
 * Pure apart from its map; time comes in as `now`.
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** Past this many clients, idle (full) buckets are dropped so memory stays bounded. */
  private static readonly PRUNE_AT = 10_000;

  constructor(private readonly perMinute: number) {}

  /** 0 when the request may go ahead, else the seconds to wait (for Retry-After). */
  take(client: string, now: number): number {
    if (this.perMinute <= 0) return 0;
    const msPerToken = 60_000 / this.perMinute;
    const b = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) / msPerToken);
    b.at = now;
    if (this.buckets.size >= RateLimiter.PRUNE_AT && !this.buckets.has(client)) this.prune(now);
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) * msPerToken) / 1000));
  }

  private prune(now: number): void {
    const msPerToken = 60_000 / this.perMinute;
    for (const [client, b] of this.buckets) {
      if (b.tokens + (now - b.at) / msPerToken >= this.perMinute) this.buckets.delete(client);
    }
  }
}
