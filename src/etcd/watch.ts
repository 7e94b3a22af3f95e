import type { IncomingMessage } from "node:http";
import { decodeWatch, errorMessage, JsonObjects, rangeOf, type WatchEvent } from "./codec.js";
import type { Transport } from "./transport.js";

export interface WatchHandlers {
  /** Changes in revision order, each revision's events together, none twice. */
  onEvents(events: WatchEvent[]): void;
  /**
   * The revisions up to compactRevision were compacted away while the watch
   * was reconnecting: their events are lost and the watch goes on from
   * there. A reader should read what it watches again.
   */
  onCompacted?(compactRevision: string): void;
  /** The watch lost its stream and could not reopen it yet (once per outage); it keeps trying. */
  onError?(err: Error): void;
}

const BACKOFF_MS = [100, 200, 500, 1000, 2000];

/**
 * A watch on a key or a prefix over the gateway's streaming /v3/watch. When
 * its stream ends (a member restarts, a connection drops) it opens another,
 * on the next member, from the revision after the last one it delivered,
 * so nothing is missed or repeated.
 */
export class Watch {
  private next: bigint | undefined;
  private cancelled = false;
  private closeStream: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private readonly started: Promise<void>;

  constructor(
    private readonly t: Transport,
    private readonly key: string,
    private readonly prefix: boolean,
    private readonly handlers: WatchHandlers,
    private readonly onEnd: (w: Watch) => void,
    startRevision?: string,
  ) {
    if (startRevision !== undefined) this.next = BigInt(startRevision);
    this.started = new Promise((resolve, reject) => void this.run(resolve, reject));
  }

  /** Resolves once etcd has created the watch; rejects if no member would. */
  ready(): Promise<void> {
    return this.started;
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    this.closeStream?.();
    this.wake?.();
    this.onEnd(this);
  }

  private async run(resolve: () => void, reject: (err: Error) => void): Promise<void> {
    let created = false;
    let failures = 0;
    while (!this.cancelled) {
      let outcome: { error?: Error; compacted?: boolean };
      try {
        const stream = await this.t.stream("/v3/watch", {
          create_request: {
            ...rangeOf(this.key, this.prefix),
            ...(this.next === undefined ? {} : { start_revision: this.next.toString() }),
          },
        });
        this.closeStream = stream.close;
        if (this.cancelled) stream.close();
        outcome = await this.read(stream.res, () => {
          created = true;
          failures = 0;
          resolve();
        });
        if (!outcome.compacted) this.t.stepPast(stream.url);
      } catch (err) {
        outcome = { error: err as Error };
      }
      this.closeStream = undefined;
      if (this.cancelled) break;
      if (!created) {
        reject(outcome.error ?? new Error("etcd ended the watch before creating it"));
        this.onEnd(this);
        return;
      }
      if (outcome.compacted) continue;
      if (failures === 0) this.handlers.onError?.(outcome.error ?? new Error("watch stream ended"));
      await this.pause(BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)] as number);
    }
    resolve();
  }

  /** Reads one stream to its end; says whether it ended on a compaction. */
  private read(
    res: IncomingMessage,
    onCreated: () => void,
  ): Promise<{ error?: Error; compacted?: boolean }> {
    const objects = new JsonObjects();
    res.setEncoding("utf8");
    return new Promise((resolve) => {
      const finish = (outcome: { error?: Error; compacted?: boolean }) => {
        res.removeAllListeners("data");
        res.destroy();
        resolve(outcome);
      };
      res.on("data", (chunk: string) => {
        for (const text of objects.push(chunk)) {
          let body: { result?: Parameters<typeof decodeWatch>[0] };
          try {
            body = JSON.parse(text);
          } catch {
            return finish({ error: new Error(`not etcd's JSON: ${text.slice(0, 80)}`) });
          }
          if (!body.result) return finish({ error: new Error(errorMessage(body) ?? text) });
          const m = decodeWatch(body.result);
          if (m.created) {
            if (this.next === undefined) this.next = BigInt(m.revision) + 1n;
            onCreated();
          }
          if (m.compactRevision !== undefined) {
            this.next = BigInt(m.compactRevision);
            this.handlers.onCompacted?.(m.compactRevision);
            return finish({ compacted: true });
          }
          if (m.canceled) {
            return finish({ error: new Error(`etcd canceled the watch: ${m.cancelReason ?? ""}`) });
          }
          const last = m.events.at(-1);
          if (last && !this.cancelled) {
            this.next = BigInt(last.modRevision) + 1n;
            this.handlers.onEvents(m.events);
          }
        }
      });
      res.on("error", (err) => finish({ error: err }));
      res.on("close", () => finish({}));
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
