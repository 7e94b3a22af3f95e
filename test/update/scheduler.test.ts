import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/discovery/index.js";
import { type CheckResult, CheckScheduler } from "../../src/update/index.js";

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An engine that answers each check with the next scripted result and records how it was asked. */
function scripted(results: CheckResult[]) {
  const calls: { at: number; interactive: boolean }[] = [];
  return {
    calls,
    engine: (clock: ManualClock) => ({
      async check(interactive: boolean) {
        calls.push({ at: clock.now(), interactive });
        return (
          results.shift() ?? { outcome: "noupdate" as const, httpStatus: 200, pollIntervalS: 0 }
        );
      },
    }),
  };
}

const MIN = 60_000;

describe("check scheduler", () => {
  it("checks 7 min after start, then every 45 min, doubling after 503s, and honours PollInterval", async () => {
    const clock = new ManualClock(0);
    const s = scripted([
      { outcome: "noupdate", httpStatus: 200, pollIntervalS: 0 },
      { outcome: "failed", httpStatus: 503, pollIntervalS: 0 },
      { outcome: "failed", httpStatus: 503, pollIntervalS: 0 },
      { outcome: "noupdate", httpStatus: 200, pollIntervalS: 120 },
      { outcome: "noupdate", httpStatus: 200, pollIntervalS: 0 },
    ]);
    // random 0.5 lands every fuzzed delay on its interval exactly.
    const scheduler = new CheckScheduler(s.engine(clock), clock, () => 0.5);
    scheduler.start();
    expect(scheduler.nextAt).toBe(7 * MIN);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance((scheduler.nextAt as number) - clock.now());
      await flush();
      times.push((s.calls.at(-1)?.at as number) / MIN);
    }
    expect(times).toEqual([7, 7 + 45, 7 + 45 + 90, 7 + 45 + 90 + 180, 7 + 45 + 90 + 180 + 2]);
    expect(scheduler.nextAt).toBe((7 + 45 + 90 + 180 + 2 + 45) * MIN);
    expect(s.calls.every((c) => !c.interactive)).toBe(true);
    scheduler.stop();
    expect(clock.pending).toBe(0);
  });

  it("runs a forced check at once and times the next one from it", async () => {
    const clock = new ManualClock(0);
    const s = scripted([{ outcome: "updated", httpStatus: 200, pollIntervalS: 0 }]);
    const scheduler = new CheckScheduler(s.engine(clock), clock, () => 0.5);
    scheduler.start();
    clock.advance(MIN);
    const result = await scheduler.checkNow();
    expect(result.outcome).toBe("updated");
    expect(s.calls).toEqual([{ at: MIN, interactive: true }]);
    expect(scheduler.nextAt).toBe(MIN + 45 * MIN);
    expect(clock.pending).toBe(1);
    scheduler.stop();
  });

  it("keeps its schedule when a check throws", async () => {
    const clock = new ManualClock(0);
    const scheduler = new CheckScheduler(
      {
        check: () => Promise.reject(new Error("boom")),
      },
      clock,
      () => 0.5,
    );
    scheduler.start();
    clock.advance(7 * MIN);
    await flush();
    expect(scheduler.nextAt).toBe(52 * MIN);
    scheduler.stop();
  });
});
