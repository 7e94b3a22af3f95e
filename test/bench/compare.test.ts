import { describe, expect, it } from "vitest";
import { compare, median, summarize } from "../../bench/lib/compare.js";

describe("bench convention", () => {
  it("takes medians and the best by direction", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([5, 2, 9], "lower").best).toBe(2);
    expect(summarize([5, 2, 9], "higher").best).toBe(9);
  });

  it("alternates sides, swapping who goes first, and prints the ratio last", async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const side = (name: string, values: number[]) => ({
      name,
      measure: async () => {
        calls.push(name);
        return values.shift() ?? Number.NaN;
      },
    });
    const result = await compare(
      {
        title: "t",
        unit: "ms",
        better: "lower",
        rounds: 3,
        ours: side("shoal", [10, 30, 20]),
        anchor: side("etcd", [40, 20, 60]),
      },
      (l) => lines.push(l),
    );
    expect(calls).toEqual(["shoal", "etcd", "etcd", "shoal", "shoal", "etcd"]);
    expect(result.ratio).toBe(0.5);
    expect(lines.at(-1)).toBe("ratio shoal/etcd (median): 0.50");
  });
});
