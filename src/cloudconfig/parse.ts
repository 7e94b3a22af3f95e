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
/** Scalars share one empty list instead of allocating two each. */
const NONE: readonly never[] = Object.freeze([]);

export function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const tabs = new TabCheck();
  const composer = new Composer({
    version: "1.1",
    merge: true,
    uniqueKeys: false, // upstream: duplicates allowed, the last one wins
    prettyErrors: false,
  });
  try {
    let doc: Document.Parsed | undefined;
    for (const d of composer.compose(tokens(text, parser, lineCounter, tabs), true)) {
      doc = d;
      break; // go-yaml reads only the first document
    }
    if (!doc) return { root: null, problems: [], lineCounter };
    const problems: Problem[] = [
      ...doc.errors.map((e) => ({ offset: e.pos[0], message: e.message })),
      // go-yaml fails where the yaml package only warns: `!!int abc`.
      ...doc.warnings
        .filter((w) => w.code === "TAG_RESOLVE_FAILED")
        .map((w) => ({ offset: w.pos[0], message: w.message })),
      ...tabs.problems,
    ];
    const builder = new TreeBuilder(doc, problems);
    const root = doc.contents ? builder.build(doc.contents as Node, 0) : null;
    problems.sort((a, b) => a.offset - b.offset);
    return { root, problems, lineCounter };
  } catch (err) {
    // Parsing and building recurse per nesting level; absurd nesting overflows the stack.
    if (!(err instanceof RangeError)) throw err;
    const problems = [{ offset: 0, message: "document nests too deeply" }];
    return { root: null, problems, lineCounter };
  }
}

/** The parser's token stream, with every lexeme also shown to the tab check (one lexing pass). */
function* tokens(text: string, parser: Parser, lines: LineCounter, tabs: TabCheck) {
  lines.addNewLine(0); // Parser.parse() would do this; next() does the rest
  for (const lexeme of new Lexer().lex(text)) {
    tabs.see(lexeme);
    yield* parser.next(lexeme);
  }
  yield* parser.end();
}

/**
 * libyaml (go-yaml) rejects a tab where a block-context token may start: at
 * the start of a line or right after `-`, `?` or `:`. The yaml package
 * accepts it, so watch its lexemes for that case.
 */
class TabCheck {
  readonly problems: Problem[] = [];
  private offset = 0;
  private flow = 0;
  private prev = "newline";
  private content = false;
  private scalarNext = false;
  private done = false;

  see(lexeme: string): void {
    // Markers the lexer inserts are not source text; the one before a scalar
    // means the next lexeme is scalar content, whatever it looks like.
    if (this.done || lexeme === CST.DOCUMENT || lexeme === CST.FLOW_END) return;
    if (lexeme === CST.SCALAR) {
      this.scalarNext = true;
      return;
    }
    const type = this.scalarNext ? "scalar" : (CST.tokenType(lexeme) ?? "scalar");
    this.scalarNext = false;
    // Only the first document counts.
    if (type === "doc-end" || (type === "doc-start" && this.content)) {
      this.done = true;
      return;
    }
    if (!NOT_CONTENT.has(type)) this.content = true;
    if (type === "flow-map-start" || type === "flow-seq-start") this.flow++;
    else if ((type === "flow-map-end" || type === "flow-seq-end") && this.flow > 0) this.flow--;
    else if (
      type === "space" &&
      this.flow === 0 &&
      lexeme.includes("\t") &&
      TAB_STARTS.has(this.prev)
    ) {
      this.problems.push({
        offset: this.offset + lexeme.indexOf("\t"),
        message: "found character that cannot start any token",
      });
    }
    if (type !== "space") this.prev = type;
    this.offset += lexeme.length;
  }
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
      // Shares the anchor's children; findings about the value point at the alias.
      return { ...this.build(target, at), offset: node.range?.[0] ?? at };
    }
    const seen = this.built.get(node);
    if (seen) return seen;
    const offset = node.range?.[0] ?? at;
    if (isScalar(node)) {
      const built = this.scalar(node, offset);
      this.built.set(node, built);
      return built;
    }
    const items: ValueNode[] = [];
    const built: ValueNode = { kind: "null", offset, text: "", fields: NONE, items: NONE };
    this.built.set(node, built); // before the children, so a cycle finds it
    if (isSeq(node)) {
      built.kind = "seq";
      built.items = items;
      for (const item of node.items) items.push(this.child(item, offset));
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
    const scalar: ValueNode = { kind: "string", offset, text, fields: NONE, items: NONE };
    const v = node.value;
    if (v instanceof Uint8Array) {
      // go-yaml decodes !!binary with Go's strict base64, which the yaml package does not.
      const bytes = decodeBase64(text);
      if (!bytes)
        this.problems.push({ offset, message: "!!binary value contains invalid base64 data" });
      scalar.bytes = bytes ?? v;
    } else if (v === null || v === undefined) {
      scalar.kind = "null";
      scalar.text = "";
    } else if (typeof v === "boolean") {
      scalar.kind = "bool";
      scalar.value = v;
    } else if (typeof v === "number" || typeof v === "bigint") {
      // go-yaml has no sexagesimal numbers: 1:20 is a string there.
      if (node.tag || !this.timeTests.some((t) => t.test(text))) {
        const float =
          node.tag === `${TAG}float` || (!node.tag && this.floatTests.some((t) => t.test(text)));
        scalar.kind = float ? "float" : "int";
        scalar.value = Number(v);
      }
    }
    return scalar;
  }
}

function nullNode(offset: number): ValueNode {
  return { kind: "null", offset, text: "", fields: NONE, items: NONE };
}

/** A key's name as upstream sees it: the scalar's text; a collection key in flow form. */
function keyText(key: Node | null): string {
  if (!key) return "";
  if (isScalar(key)) return key.source ?? String(key.value);
  return String(key);
}
