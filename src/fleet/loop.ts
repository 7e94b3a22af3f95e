/**
 * Runs one reconcile pass at a time: on start, on every interval, and
 * whenever trigger() is called (watch events). Triggers that arrive during
 * a pass coalesce into one more pass. Errors go to onError and never stop
 * the loop: a flapping etcd must not end the engine or the agent.
 */
import { type Clock, systemClock } from "./clock.js";

export class ReconcileLoop {
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.stopped = false;
    this.cancel = this.clock.every(this.intervalMs, () => this.trigger());
    this.trigger();
  }

  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.onError(err);
        }
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
  }

  /** Stops the timer and waits for a pass in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }
}
