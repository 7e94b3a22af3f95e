/**
 * The two /usr slots and upstream's GPT rules for them (pure): a newly
 * installed slot gets the highest priority and one boot try; a boot that
 * completes marks its slot good; a slot with no tries left that never
 * booted good is skipped, so the machine comes back on the other one.
 */

export type SlotName = "a" | "b";
export const SLOT_LABEL: Record<SlotName, string> = { a: "USR-A", b: "USR-B" };

export interface SlotInfo {
  priority: number;
  tries: number;
  successful: boolean;
  /** The release the slot holds; "" when empty. */
  version: string;
}

export interface SlotTable {
  a: SlotInfo;
  b: SlotInfo;
  /** The slot the running boot came from. */
  booted: SlotName;
}

export const other = (slot: SlotName): SlotName => (slot === "a" ? "b" : "a");

/** A new machine: USR-A holds its release and is good; USR-B is empty. */
export function newSlotTable(version: string): SlotTable {
  return {
    a: { priority: 1, tries: 0, successful: true, version },
    b: { priority: 0, tries: 0, successful: false, version: "" },
    booted: "a",
  };
}

/** After an install into `slot` (cgpt add -S0 -T1, cgpt prioritize): first in line, one try. */
export function markInstalled(t: SlotTable, slot: SlotName, version: string): SlotTable {
  const rest = t[other(slot)];
  return {
    ...t,
    [slot]: { priority: rest.priority + 1, tries: 1, successful: false, version },
  } as SlotTable;
}

/** The running boot completed (coreos-setgoodroot: cgpt add -S1 -T0, then prioritize). */
export function markGood(t: SlotTable): SlotTable {
  const slot = t.booted;
  const rest = t[other(slot)];
  const priority = Math.max(t[slot].priority, rest.priority + 1);
  return { ...t, [slot]: { ...t[slot], successful: true, tries: 0, priority } } as SlotTable;
}

const bootable = (s: SlotInfo) => s.priority > 0 && (s.successful || s.tries > 0);

/**
 * The slot the next boot uses, and the table after the attempt is counted:
 * the highest-priority bootable slot; trying a slot not yet good uses one
 * of its tries; a slot out of tries and never good drops to priority 0.
 * Undefined when neither slot can boot.
 */
export function chooseBoot(t: SlotTable): { slot: SlotName; table: SlotTable } | undefined {
  const table: SlotTable = { a: { ...t.a }, b: { ...t.b }, booted: t.booted };
  for (const name of ["a", "b"] as const) {
    const s = table[name];
    if (!s.successful && s.tries === 0) s.priority = 0;
  }
  const order = (["a", "b"] as const)
    .filter((n) => bootable(table[n]))
    .sort((x, y) => table[y].priority - table[x].priority || (x === t.booted ? -1 : 1));
  const slot = order[0];
  if (!slot) return undefined;
  if (!table[slot].successful) table[slot].tries -= 1;
  table.booted = slot;
  return { slot, table };
}

/**
 * What became of an installed `version` as this boot sees the table:
 * `booted` when this boot runs it, `rolled-back` when its slot ran out of
 * tries without booting good (chooseBoot dropped it), `pending` while it
 * waits for the reboot.
 */
export function rebootOutcome(t: SlotTable, version: string): "booted" | "rolled-back" | "pending" {
  if (t[t.booted].version === version) return "booted";
  const o = t[other(t.booted)];
  if (o.version === version && o.priority === 0 && !o.successful) return "rolled-back";
  return "pending";
}
