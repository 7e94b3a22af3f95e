/**
 * The weak tree -> the typed config, as upstream's strong decode does it:
 * string fields keep the source text, a value of the wrong type is dropped
 * (the field stays unset), unknown keys are ignored. Then write_files
 * content is decoded, and a decode failure fails the whole parse.
 */
import { InputError } from "../errors/index.js";
import { decodeContent } from "./content.js";
import { detectInput } from "./detect.js";
import { parseYaml } from "./parse.js";
import { type CloudConfig, elementOf, type Field, topLevel } from "./schema/index.js";
import type { ValueNode } from "./tree.js";
import type { Report } from "./types.js";
import { validate, validateParsed } from "./validate/index.js";

export interface ParsedCloudConfig {
  config: CloudConfig;
  /** The validator's entries for the same text. */
  report: Report;
  /** Set when upstream's parse would fail (YAML error, undecodable content); config is then empty. */
  error?: string;
}

export function parseCloudConfig(text: string): ParsedCloudConfig {
  let detected: ReturnType<typeof detectInput>;
  try {
    detected = detectInput(text);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { config: {}, report: validate(text), error: err.message };
  }
  if (detected.kind === "unknown") {
    return { config: {}, report: validate(text), error: "Unrecognized user-data format" };
  }
  if (detected.kind !== "cloud-config") return { config: {}, report: validate(text) };
  const parsed = parseYaml(detected.text);
  const report = validateParsed(parsed);
  const problem = parsed.problems[0];
  if (problem) return { config: {}, report, error: problem.message };
  if (parsed.root?.kind !== "map") return { config: {}, report };
  const config = decodeStruct(parsed.root, topLevel) as CloudConfig;
  const error = decodeWriteFiles(config);
  return error ? { config: {}, report, error } : { config, report };
}

type Decoded = string | boolean | number | Uint8Array | Decoded[] | { [key: string]: Decoded };

function decodeStruct(node: ValueNode, fields: Record<string, Field>): { [key: string]: Decoded } {
  const out: { [key: string]: Decoded } = {};
  for (const f of node.fields) {
    const field = fields[f.name];
    const value = field && decodeValue(f.value, field);
    if (value !== undefined) out[f.name] = value;
  }
  return out;
}

function decodeValue(node: ValueNode, field: Field): Decoded | undefined {
  switch (field.type) {
    case "string":
      if (node.kind === "map" || node.kind === "seq") return undefined;
      if (field.bytes && node.bytes) return node.bytes;
      return node.text; // null -> "" as upstream
    case "bool":
      return node.kind === "bool" ? node.value : undefined;
    case "int":
      return node.kind === "int" ? node.value : undefined;
    case "float64":
      return node.kind === "int" || node.kind === "float" ? node.value : undefined;
    case "struct":
      return node.kind === "map" ? decodeStruct(node, field.fields ?? {}) : undefined;
    case "[]string":
    case "[]struct": {
      if (node.kind !== "seq") return undefined;
      const element = elementOf(field) as Field;
      const items = node.items.map((item) => decodeValue(item, element));
      return items.filter((item): item is Decoded => item !== undefined);
    }
  }
}

/** upstream's NewCloudConfig: decode every file's content, clear its encoding. */
function decodeWriteFiles(config: CloudConfig): string | undefined {
  for (const file of config.write_files ?? []) {
    const encoding = file.encoding ?? "";
    if (encoding === "") continue;
    const raw = file.content ?? "";
    const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
    const decoded = decodeContent(bytes, encoding);
    if (!decoded.ok) return decoded.error;
    file.content = decoded.bytes;
    delete file.encoding;
  }
  return undefined;
}
