import { describe, expect, it } from "vitest";
import { type DepInfo, haltOrder, startOrder } from "../../src/machine/init/order.js";

function graph(spec: Record<string, Partial<DepInfo>>) {
  return (name: string): DepInfo | undefined => {
    const d = spec[name];
    return d ? { requires: [], wants: [], after: [], before: [], ...d } : undefined;
  };
}

describe("startOrder", () => {
  it.each([
    ["a lone unit", { a: {} }, "a", ["a"]],
    [
      "Requires + After: dependency first",
      { a: { requires: ["b"], after: ["b"] }, b: {} },
      "a",
      ["b", "a"],
    ],
    ["Wants pulls in, without order", { a: { wants: ["b"] }, b: {} }, "a", ["a", "b"]],
    ["Before on the dependency", { a: { wants: ["b"] }, b: { before: ["a"] } }, "a", ["b", "a"]],
    [
      "a chain",
      { a: { requires: ["b"], after: ["b"] }, b: { requires: ["c"], after: ["c"] }, c: {} },
      "a",
      ["c", "b", "a"],
    ],
    ["After alone pulls nothing in", { a: { after: ["b"] }, b: {} }, "a", ["a"]],
    [
      "an unknown dependency is still listed (it fails when started)",
      { a: { requires: ["ghost"], after: ["ghost"] } },
      "a",
      ["ghost", "a"],
    ],
    [
      "a cycle is broken, not fatal",
      { a: { requires: ["b"], after: ["b"] }, b: { requires: ["a"], after: ["a"] } },
      "a",
      ["b", "a"],
    ],
    [
      "fleet after etcd2 when both wanted",
      { t: { wants: ["fleet", "etcd2"] }, fleet: { after: ["etcd2"] }, etcd2: {} },
      "t",
      ["t", "etcd2", "fleet"],
    ],
  ])("%s", (_name, spec, target, expected) => {
    expect(startOrder(target, graph(spec))).toEqual(expected);
  });
});

describe("halt order", () => {
  it.each([
    ["reverse activation order", ["a", "b", "c"], ["a", "b", "c"], ["c", "b", "a"]],
    [
      "units never active stop first, in the order given",
      ["a", "b"],
      ["b", "x", "a", "y"],
      ["x", "y", "b", "a"],
    ],
    ["only what runs", ["a", "b", "c"], ["c", "a"], ["c", "a"]],
  ])("%s", (_what, activated, running, stopped) => {
    expect(haltOrder(activated, running)).toEqual(stopped);
  });
});
