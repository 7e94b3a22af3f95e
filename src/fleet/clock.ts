/**
 * Time as fleet's loops and waits see it, so tests can run them on a
 * virtual clock instead of the wall clock.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls fn every ms until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};
