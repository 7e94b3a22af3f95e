import { isMap, isScalar, type Node, parseDocument, type YAMLMap } from "yaml";

/** The etcd sections of cloud-config that take a discovery URL. */
const SECTIONS = ["etcd2", "etcd"] as const;

export interface TokenInsertion {
  /** The machines' copy of user-data. */
  text: string;
  /** The sections that configure etcd (and now carry a discovery URL). */
  sections: string[];
  /** Sections whose own, real discovery URL was kept. */
  kept: string[];
}

/**
 * Puts `token` into coreos.etcd2/etcd.discovery wherever it is empty,
 * commented out or a placeholder such as `https://discovery.etcd.io/<token>`,
 * editing the text in place so comments and layout stay as the user wrote
 * them. A real discovery URL of the user's is kept. Pure.
 */
export function insertDiscovery(text: string, token: string): TokenInsertion {
  const out: TokenInsertion = { text, sections: [], kept: [] };
  if (!/^#cloud-config\s*$/m.test(text.split("\n", 1)[0] ?? "")) return out;
  const doc = parseDocument(text, { version: "1.1" });
  const coreos = isMap(doc.contents) ? doc.contents.get("coreos", true) : undefined;
  if (!isMap(coreos)) return out;
  // Edit from the end of the text backwards so earlier offsets stay valid.
  const edits: Array<{ from: number; to: number; insert: string }> = [];
  for (const name of SECTIONS) {
    const pair = coreos.items.find((p) => isScalar(p.key) && p.key.value === name);
    const section = pair?.value;
    if (!pair || !isMap(section) || !section.range) continue;
    out.sections.push(name);
    const edit = editFor(text, (pair.key as Node).range?.[1] ?? 0, section, token);
    if (edit) edits.push(edit);
    else out.kept.push(name);
  }
  edits.sort((a, b) => b.from - a.from);
  for (const e of edits) out.text = out.text.slice(0, e.from) + e.insert + out.text.slice(e.to);
  return out;
}

function isPlaceholder(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    String(value).trim() === "" ||
    /<[^>]*>/.test(String(value))
  );
}

function editFor(
  text: string,
  sectionKeyEnd: number,
  section: YAMLMap,
  token: string,
): { from: number; to: number; insert: string } | undefined {
  const pair = section.items.find((p) => isScalar(p.key) && p.key.value === "discovery");
  if (pair) {
    const value = pair.value as Node | null;
    if (!isPlaceholder(isScalar(value) ? value.value : value)) return undefined;
    if (value?.range && value.range[1] > value.range[0]) {
      return { from: value.range[0], to: value.range[1], insert: token };
    }
    // `discovery:` with nothing after it: put the value right after the colon.
    const keyEnd = (pair.key as Node).range?.[1] ?? 0;
    const colon = text.indexOf(":", keyEnd);
    return { from: colon + 1, to: colon + 1, insert: ` ${token}` };
  }
  const [start, , end] = section.range as [number, number, number];
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const indent = text.slice(lineStart, start);
  // The section's own lines, from its key: comments before the first key belong to it.
  const blockStart = text.indexOf("\n", sectionKeyEnd) + 1;
  const block = text.slice(blockStart, end);
  const commented = /^([ \t]*)#[ \t]*discovery[ \t]*:.*$/m.exec(block);
  if (commented) {
    const from = blockStart + commented.index;
    return { from, to: from + commented[0].length, insert: `${commented[1]}discovery: ${token}` };
  }
  return { from: lineStart, to: lineStart, insert: `${indent}discovery: ${token}\n` };
}
