/**
 * When update_engine checks (pure; the random source is passed in): first
 * 7 min ± 5 min after start, then every 45 min ± 5 min; after an HTTP 500
 * or 503 the interval doubles, up to 4 h; a PollInterval from the server
 * replaces the interval (fuzzed by ± half of it, as upstream fuzzes
 * intervals it did not choose itself).
 */

export const INITIAL_INTERVAL_S = 7 * 60;
export const PERIODIC_INTERVAL_S = 45 * 60;
export const MAX_BACKOFF_S = 4 * 60 * 60;
export const REGULAR_FUZZ_S = 10 * 60;

/** `value` moved by up to `range` in all (range/2 either way), `random` in [0, 1). */
export function fuzz(value: number, range: number, random: number): number {
  const min = value - Math.floor(range / 2);
  const max = value + range - Math.floor(range / 2);
  return Math.max(0, min + Math.floor(random * (max - min + 1)));
}

export interface Scheduled {
  /** The interval before fuzzing: what the next backoff doubles. */
  intervalS: number;
  /** How long to wait, fuzzed. */
  delayMs: number;
}

export function firstCheck(random: number): Scheduled {
  return {
    intervalS: INITIAL_INTERVAL_S,
    delayMs: fuzz(INITIAL_INTERVAL_S, REGULAR_FUZZ_S, random) * 1000,
  };
}

export interface LastCheck {
  /** The interval the last check was scheduled with. */
  intervalS: number;
  /** The server's PollInterval from the last response, 0 when none. */
  pollIntervalS: number;
  /** The last check's HTTP status, 0 when it did not get one. */
  httpStatus: number;
}

export function nextCheck(last: LastCheck, random: number): Scheduled {
  let interval = 0;
  let range = 0;
  if (last.pollIntervalS > 0) {
    interval = last.pollIntervalS;
  } else if (last.httpStatus === 500 || last.httpStatus === 503) {
    interval = Math.min(2 * last.intervalS, MAX_BACKOFF_S);
  }
  if (interval === 0 || (last.pollIntervalS === 0 && interval < PERIODIC_INTERVAL_S)) {
    interval = PERIODIC_INTERVAL_S;
    range = REGULAR_FUZZ_S;
  }
  if (range === 0) range = interval;
  return { intervalS: interval, delayMs: fuzz(interval, range, random) * 1000 };
}
