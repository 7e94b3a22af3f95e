/**
 * Start transactions: which units a start pulls in (Requires=, Wants=) and
 * in which order they start (After=/Before=). Pure.
 */

export interface DepInfo {
  requires: string[];
  wants: string[];
  after: string[];
  before: string[];
}

/** Units to start for `target`, dependencies first; cycles are broken, never fatal. */
export function startOrder(target: string, deps: (name: string) => DepInfo | undefined): string[] {
  const members = new Set<string>();
  const queue = [target];
  while (queue.length) {
    const n = queue.shift() as string;
    if (members.has(n)) continue;
    members.add(n);
    const d = deps(n);
    if (d) queue.push(...d.requires, ...d.wants);
  }
  // Edges a -> b mean "a starts before b".
  const edges = new Map<string, Set<string>>();
  for (const n of members) edges.set(n, new Set());
  for (const n of members) {
    const d = deps(n);
    if (!d) continue;
    for (const a of d.after) if (members.has(a) && a !== n) edges.get(a)?.add(n);
    for (const b of d.before) if (members.has(b) && b !== n) edges.get(n)?.add(b);
  }
  // Depth-first topological sort, visiting in discovery order so unrelated units keep it.
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const preds = new Map<string, string[]>();
  for (const n of members) preds.set(n, []);
  for (const [a, bs] of edges) for (const b of bs) preds.get(b)?.push(a);
  const visit = (n: string) => {
    if (state.get(n)) return; // done, or a cycle: break it here
    state.set(n, "visiting");
    for (const p of preds.get(n) ?? []) visit(p);
    state.set(n, "done");
    order.push(n);
  };
  for (const n of members) visit(n);
  return order;
}

/**
 * The order units stop in at halt: units that never became active first
 * (in the order given), then the active ones in reverse activation order.
 */
export function haltOrder(activated: readonly string[], running: readonly string[]): string[] {
  const rank = new Map(activated.map((name, i) => [name, activated.length - 1 - i]));
  return [...running].sort((a, b) => (rank.get(a) ?? -1) - (rank.get(b) ?? -1));
}
