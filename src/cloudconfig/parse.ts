/**
 * YAML 1.1 text -> the weak tree, with the `yaml` package's offsets. Only the
 * first document is read (as go-yaml does). Syntax problems are collected,
 * with offsets, never thrown; the first one is what the validator reports.
 */
import {
  Composer,
  CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  Parser,
  type Scalar,
} from "yaml";
import { decodeBase64 } from "./content.js";
import { type FieldNode, normalizeKey, type ValueNode } from "./tree.js";

export interface Problem {
  offset: number;
  message: string;
}

export interface Parsed {
  /** null when the document is empty. */
  root: ValueNode | null;
  /** YAML syntax and decode problems in document order. */
  problems: Problem[];
  lineCounter: LineCounter;
}

const TAG = "tag:yaml.org,2002:";

export function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({
    version: "1.1",
    merge: true,
    uniqueKeys: false, // upstream: duplicates allowed, the last one wins
    prettyErrors: false,
  });
  let doc: Document.Parsed | undefined;
  try {
    for (const d of composer.compose(parser.parse(text), true)) {
      doc = d;
      break; // go-yaml reads only the first document
    }
  } catch (err) {
    // The yaml package recurses per nesting level; absurd nesting overflows the stack.
    if (err instanceof RangeError) {
      return {
        root: null,
        problems: [{ offset: 0, message: "document nests too deeply" }],
        lineCounter,
      };
    }
    throw err;
  }
  if (!doc) return { root: null, problems: [], lineCounter };
  const problems: Problem[] = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], message: e.message })),
    // go-yaml fails where the yaml package only warns: `!!int abc`.
    ...doc.warnings
      .filter((w) => w.code === "TAG_RESOLVE_FAILED")
      .map((w) => ({ offset: w.pos[0], message: w.message })),
    ...tabProblems(text),
  ];
  const builder = new TreeBuilder(doc, problems);
  const root = doc.contents ? builder.build(doc.contents as Node, 0) : null;
  problems.sort((a, b) => a.offset - b.offset);
  return { root, problems, lineCounter };
}

/**
 * libyaml (go-yaml) rejects a tab where a block-context token may start: at
 * the start of a line or right after `-`, `?` or `:`. The yaml package
 * accepts it, so scan its lexemes for that case.
 */
function tabProblems(text: string): Problem[] {
  const problems: Problem[] = [];
  let offset = 0;
  let flow = 0;
  let prev = "newline";
  let content = false;
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    // Only the first document counts.
    if (type === "doc-end" || (type === "doc-start" && content)) break;
    if (type && !NOT_CONTENT.has(type)) content = true;
    if (type === "flow-map-start" || type === "flow-seq-start") flow++;
    else if ((type === "flow-map-end" || type === "flow-seq-end") && flow > 0) flow--;
    else if (type === "space" && flow === 0 && lexeme.includes("\t") && TAB_STARTS.has(prev)) {
      problems.push({
        offset: offset + lexeme.indexOf("\t"),
        message: "found character that cannot start any token",
      });
    }
    if (type !== "space") prev = type ?? "";
    offset += lexeme.length;
  }
  return problems;
}

const NOT_CONTENT = new Set([
  "space",
  "newline",
  "comment",
  "doc-start",
  "directive-line",
  "byte-order-mark",
]);
const TAB_STARTS = new Set(["newline", "seq-item-ind", "explicit-key-ind", "map-value-ind"]);

class TreeBuilder {
  /** One tree node per YAML node, so aliases share it (no blow-up, cycles end). */
  private readonly built = new Map<Node, ValueNode>();
  private readonly floatTests: RegExp[];
  private readonly timeTests: RegExp[];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly problems: Problem[],
  ) {
    const tags = doc.schema.tags.filter((t) => t.default === true && t.test);
    this.floatTests = tags.filter((t) => t.tag === `${TAG}float`).map((t) => t.test as RegExp);
    this.timeTests = tags.filter((t) => t.format === "TIME").map((t) => t.test as RegExp);
  }

  build(node: Node, at: number): ValueNode {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) {
        this.problems.push({
          offset: node.range?.[0] ?? at,
          message: `unknown anchor '${node.source}' referenced`,
        });
        return nullNode(node.range?.[0] ?? at);
      }
      return this.build(target, at);
    }
    const seen = this.built.get(node);
    if (seen) return seen;
    const offset = node.range?.[0] ?? at;
    if (isScalar(node)) {
      const built = this.scalar(node, offset);
      this.built.set(node, built);
      return built;
    }
    const built: ValueNode = { kind: "null", offset, text: "", fields: [], items: [] };
    this.built.set(node, built);
    if (isSeq(node)) {
      built.kind = "seq";
      for (const item of node.items) built.items.push(this.child(item, offset));
    } else if (isMap(node)) {
      built.kind = "map";
      built.fields = this.mapFields(node.items, offset);
    }
    return built;
  }

  private child(node: unknown, at: number): ValueNode {
    return node ? this.build(node as Node, at) : nullNode(at);
  }

  private mapFields(pairs: { key: unknown; value: unknown }[], at: number): FieldNode[] {
    const own = new Map<string, FieldNode>();
    const merged = new Map<string, FieldNode>();
    for (const pair of pairs) {
      const key = pair.key as Node | null;
      const keyOffset = key?.range?.[0] ?? at;
      if (isScalar(key) && typeof key.value === "symbol") {
        // `<<: *anchor` (or a list of them): the anchors' keys, explicit keys win.
        const sources = this.child(pair.value, keyOffset);
        for (const source of sources.kind === "seq" ? sources.items : [sources]) {
          for (const f of source.fields) if (!merged.has(f.name)) merged.set(f.name, f);
        }
        continue;
      }
      const name = normalizeKey(keyText(key));
      own.delete(name); // the last duplicate wins and stands where it is written
      own.set(name, { name, keyOffset, value: this.child(pair.value, keyOffset) });
    }
    for (const [name, f] of merged) if (!own.has(name)) own.set(name, f);
    return [...own.values()].sort((a, b) => a.keyOffset - b.keyOffset);
  }

  private scalar(node: Scalar, offset: number): ValueNode {
    const text = node.source ?? String(node.value ?? "");
    const base = { offset, text, fields: [], items: [] };
    const v = node.value;
    if (v instanceof Uint8Array) {
      // go-yaml decodes !!binary with Go's strict base64, which the yaml package does not.
      const bytes = decodeBase64(text);
      if (!bytes)
        this.problems.push({ offset, message: "!!binary value contains invalid base64 data" });
      return { ...base, kind: "string", bytes: bytes ?? v };
    }
    if (v === null || v === undefined) return { ...base, kind: "null", text: "" };
    if (typeof v === "boolean") return { ...base, kind: "bool", value: v };
    if (typeof v === "number" || typeof v === "bigint") {
      // go-yaml has no sexagesimal numbers: 1:20 is a string there.
      if (!node.tag && this.timeTests.some((t) => t.test(text))) return { ...base, kind: "string" };
      const float =
        node.tag === `${TAG}float` || (!node.tag && this.floatTests.some((t) => t.test(text)));
      return { ...base, kind: float ? "float" : "int", value: Number(v) };
    }
    return { ...base, kind: "string" };
  }
}

function nullNode(offset: number): ValueNode {
  return { kind: "null", offset, text: "", fields: [], items: [] };
}

/** A key's name as upstream sees it: the scalar's text; a collection key in flow form. */
function keyText(key: Node | null): string {
  if (!key) return "";
  if (isScalar(key)) return key.source ?? String(key.value);
  return String(key);
}
