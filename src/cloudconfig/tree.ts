/**
 * The untyped YAML tree the rules walk: upstream's "weak" parse with its
 * YAML 1.1 kinds, keys normalized (`-` -> `_`), and the source offset of
 * every key and value. Offsets become line and column only in a report.
 */

/** YAML 1.1 kinds as go-yaml infers them (timestamps and 1:20 stay strings, as there). */
export type ValueKind = "map" | "seq" | "string" | "int" | "float" | "bool" | "null";

export interface ValueNode {
  kind: ValueKind;
  /** Source offset where the value starts. */
  offset: number;
  /**
   * A scalar's text before type resolution: `0744` stays "0744", `off`
   * stays "off" (upstream's raw-text rule for string fields). "" for null.
   */
  text: string;
  /** The resolved value of a bool, int or float scalar. */
  value?: boolean | number;
  /** The decoded bytes of a `!!binary` scalar. */
  bytes?: Uint8Array;
  /** Map entries in document order; a duplicated key keeps only its last value. */
  fields: readonly FieldNode[];
  /** Sequence elements. */
  items: readonly ValueNode[];
}

export interface FieldNode {
  /** The key with every `-` turned into `_` (upstream normalizes before checking). */
  name: string;
  keyOffset: number;
  value: ValueNode;
}

/** The entry `name` of a map, or undefined when `node` is not a map or lacks it. */
export function fieldOf(node: ValueNode | undefined, name: string): FieldNode | undefined {
  if (node?.kind !== "map") return undefined;
  return node.fields.find((f) => f.name === name);
}

/** The elements of a sequence, or none when `node` is not one. */
export function itemsOf(node: ValueNode | undefined): readonly ValueNode[] {
  return node?.kind === "seq" ? node.items : [];
}

export const isScalar = (node: ValueNode): boolean => node.kind !== "map" && node.kind !== "seq";

/** The bytes a scalar stands for: its `!!binary` payload, else its UTF-8 text. */
export function scalarBytes(node: ValueNode): Uint8Array {
  return node.bytes ?? new TextEncoder().encode(node.text);
}

export function normalizeKey(key: string): string {
  return key.replaceAll("-", "_");
}
