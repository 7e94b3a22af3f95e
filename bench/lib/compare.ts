/**
 * The convention every bench/ script follows: both sides run in one
 * process run, alternating, for several rounds; each side's median and
 * best are printed, and the ratio (shoal over its anchor) is the last line.
 */

export interface Side {
  /** "shoal", or the anchor's name, e.g. "etcd v2 discovery". */
  name: string;
  /** One measurement, in the figure's unit. */
  measure: () => Promise<number>;
}

export interface Figure {
  /** What is measured, e.g. "time to 3 healthy members". */
  title: string;
  unit: string;
  /** Whether a larger number is better (throughput) or worse (time). */
  better: "lower" | "higher";
  rounds: number;
  /** Untimed rounds per side before measuring (caches, JIT). */
  warmup?: number;
  ours: Side;
  anchor: Side;
  /** More lines about the run (what each side used), printed before the ratios. */
  notes?: () => string[];
}

export interface Summary {
  median: number;
  best: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(samples: readonly number[], better: Figure["better"]): Summary {
  const best = better === "lower" ? Math.min(...samples) : Math.max(...samples);
  return { median: median(samples), best, samples: [...samples] };
}

/** Runs both sides alternately (starting side swaps each round) and reports. */
export async function compare(
  figure: Figure,
  log: (line: string) => void = console.log,
): Promise<{ ours: Summary; anchor: Summary; ratio: number }> {
  const sides = [figure.ours, figure.anchor];
  for (let i = 0; i < (figure.warmup ?? 0); i++) for (const side of sides) await side.measure();
  const samples = new Map<Side, number[]>(sides.map((s) => [s, []]));
  for (let round = 0; round < figure.rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const value = await side.measure();
      samples.get(side)?.push(value);
      log(`round ${round + 1} ${side.name}: ${format(value)} ${figure.unit}`);
    }
  }
  const ours = summarize(samples.get(figure.ours) ?? [], figure.better);
  const anchor = summarize(samples.get(figure.anchor) ?? [], figure.better);
  const ratio = ours.median / anchor.median;
  log(`# ${figure.title} (${figure.unit}, ${figure.better} is better, ${figure.rounds} rounds)`);
  for (const [side, s] of [
    [figure.ours, ours],
    [figure.anchor, anchor],
  ] as const) {
    log(`${side.name}: median ${format(s.median)}, best ${format(s.best)}`);
  }
  for (const line of figure.notes?.() ?? []) log(line);
  log(
    `best ratio ${figure.ours.name}/${figure.anchor.name}: ${(ours.best / anchor.best).toFixed(2)}`,
  );
  log(`ratio ${figure.ours.name}/${figure.anchor.name} (median): ${ratio.toFixed(2)}`);
  return { ours, anchor, ratio };
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
}

/** Milliseconds taken by one call of fn. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
