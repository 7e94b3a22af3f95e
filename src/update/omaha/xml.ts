/**
 * XML in and out through fast-xml-parser: a validated parse into plain
 * objects (attributes under "@name"), and a builder that writes the nested,
 * four-space-indented shape update_engine itself sends.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

export type XmlNode = { [key: string]: unknown };

const LISTS = new Set(["app", "event", "url", "package", "action"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => LISTS.has(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  format: true,
  indentBy: "    ",
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** A parsed document, or why the text is not one. */
export function parseXml(text: string): { doc: XmlNode } | { error: string } {
  // Omaha never uses a DTD; refusing one keeps entity expansion (and its bombs) out entirely.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { error: "a DOCTYPE is not allowed" };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { error: `line ${line}, column ${col}: ${msg}` };
  }
  try {
    return { doc: parser.parse(text) as XmlNode };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** `<?xml ...?>` then the document, as update_engine and Omaha servers write it. */
export function renderXml(doc: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc) as string}`;
}

/** The child elements called `name`; an element without attributes or text parses as "". */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (v !== null && typeof v === "object" ? (v as XmlNode) : {}));
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** An attribute's text, or undefined when absent. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === "string" ? value : undefined;
}

/** Attributes in the order given, leaving out those that are undefined. */
export function attrs(values: Record<string, string | number | undefined>): XmlNode {
  const out: XmlNode = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[`@${k}`] = String(v);
  return out;
}
