/**
 * Hints for an unrecognized key (beyond upstream): where the key belongs
 * when another section has it, else the closest key of this section.
 */
import { keyHomes } from "../schema/index.js";

export function unknownKeyHint(name: string, known: readonly string[]): string | undefined {
  const homes = keyHomes.get(name);
  if (homes) return `this key belongs ${homes.map(describeHome).join(" or ")}`;
  const close = closest(name, known);
  return close === undefined ? undefined : `did you mean "${close}"?`;
}

function describeHome(path: string): string {
  if (path === "") return "at the top level";
  return path.endsWith("[]") ? `under each item of ${path.slice(0, -2)}` : `under ${path}`;
}

/** The known key nearest by edit distance (case-insensitive), when near enough to be a typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Levenshtein distance; keys are short, so the plain two-row table is
 * enough. Past 3 apart in length it returns the length difference, a lower bound.
 */
export function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
