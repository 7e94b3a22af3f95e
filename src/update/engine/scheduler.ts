/**
 * Runs the engine's checks on update_engine's schedule: the first a few
 * minutes after start, then each one timed from the last one's answer
 * (interval, backoff, the server's PollInterval). A forced check
 * (`update_engine_client -check_for_update`) runs at once and times the next.
 */
import type { Clock } from "../../host/index.js";
import type { CheckResult } from "./engine.js";
import { firstCheck, nextCheck } from "./schedule.js";

export interface Checker {
  check(interactive: boolean): Promise<CheckResult>;
}

export class CheckScheduler {
  private cancel: (() => void) | undefined;
  private intervalS = 0;
  private stopped = false;
  /** When the next scheduled check runs (clock ms); undefined while none is scheduled. */
  nextAt: number | undefined;

  constructor(
    private readonly engine: Checker,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    const first = firstCheck(this.random());
    this.schedule(first.intervalS, first.delayMs);
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    this.nextAt = undefined;
  }

  /** Checks now, as asked by the user, then times the next check from its answer. */
  checkNow(): Promise<CheckResult> {
    return this.run(true);
  }

  private schedule(intervalS: number, delayMs: number): void {
    if (this.stopped) return;
    this.cancel?.();
    this.intervalS = intervalS;
    this.nextAt = this.clock.now() + delayMs;
    this.log(`Next update check in ${Math.round(delayMs / 1000)}s`);
    this.cancel = this.clock.after(delayMs, () => {
      this.cancel = undefined;
      this.nextAt = undefined;
      void this.run(false);
    });
  }

  private async run(interactive: boolean): Promise<CheckResult> {
    let result: CheckResult;
    try {
      result = await this.engine.check(interactive);
    } catch (err) {
      result = { outcome: "failed", httpStatus: 0, pollIntervalS: 0, error: String(err) };
    }
    if (result.error) this.log(`update check failed: ${result.error}`);
    // A check skipped because another is under way leaves the timing to that one.
    if (result.outcome !== "skipped" || this.nextAt === undefined) {
      const next = nextCheck(
        {
          intervalS: this.intervalS,
          pollIntervalS: result.pollIntervalS,
          httpStatus: result.httpStatus,
        },
        this.random(),
      );
      this.schedule(next.intervalS, next.delayMs);
    }
    return result;
  }
}
