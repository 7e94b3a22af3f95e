import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Entry, validate } from "../../src/cloudconfig/index.js";

interface Expected {
  kind: Entry["kind"];
  line: number;
  line_max?: number;
  message: string | null;
}
interface Vector {
  id: string;
  input: string;
  expected: Expected[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../fixtures/cloudinit/validate-vectors.json", import.meta.url), "utf8"),
) as Vector[];

/**
 * Vectors we believe are wrong, with the reason; each is still run and must
 * give the answer written here instead. None so far: keep it that way unless
 * a vector contradicts the spec.
 */
const deviations: Record<string, { reason: string; expected: Expected[] }> = {};

function matches(actual: Entry, want: Expected): boolean {
  if (actual.kind !== want.kind) return false;
  if (want.message !== null && actual.message !== want.message) return false;
  return actual.line >= want.line && actual.line <= (want.line_max ?? want.line);
}

/** Multiset comparison: every expected entry consumes exactly one actual entry, and none is left. */
function unmatched(actual: Entry[], expected: Expected[]): { missing: Expected[]; extra: Entry[] } {
  const extra = [...actual];
  const missing: Expected[] = [];
  for (const want of expected) {
    const i = extra.findIndex((a) => matches(a, want));
    if (i < 0) missing.push(want);
    else extra.splice(i, 1);
  }
  return { missing, extra };
}

describe("the shared validator vectors", () => {
  it("has vectors to run", () => {
    expect(vectors.length).toBeGreaterThan(100);
  });

  it.each(vectors.map((v) => [v.id, v] as const))("%s", (id, vector) => {
    const expected = deviations[id]?.expected ?? vector.expected;
    const { entries } = validate(vector.input);
    expect(unmatched(entries, expected)).toEqual({ missing: [], extra: [] });
    for (const e of entries) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
  });
});
