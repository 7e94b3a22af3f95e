import { document, elementOf, type Field } from "../../schema/index.js";
import type { ValueKind, ValueNode } from "../../tree.js";
import { error, type Finding, warning } from "../finding.js";
import { unknownKeyHint } from "../hints.js";

/** The YAML kinds a field of each type accepts (a string takes any scalar); null fits nothing. */
const ACCEPTS: Record<Field["type"], readonly ValueKind[]> = {
  string: ["string", "int", "float", "bool"],
  bool: ["bool"],
  int: ["int"],
  float64: ["float", "int"],
  "[]string": ["seq"],
  struct: ["map"],
  "[]struct": ["seq"],
};

/**
 * Rule 3: types, deprecated keys and unrecognized keys, by walking the
 * schema table beside the tree. A top level that is not a map is accepted.
 */
export function checkStructure(root: ValueNode): Finding[] {
  if (root.kind !== "map") return [];
  const findings: Finding[] = [];
  checkNode(root, document, "", root.offset, findings);
  return findings;
}

function checkNode(node: ValueNode, field: Field, name: string, at: number, out: Finding[]): void {
  if (!ACCEPTS[field.type].includes(node.kind)) {
    const message = `incorrect type for "${name}" (want ${field.type})`;
    // Upstream crashes on a list or map where an enumerated value belongs; no
    // value of that shape can be valid, so it is an error rather than a warning.
    const collection = node.kind === "map" || node.kind === "seq";
    out.push(field.valid && collection ? error(at, message) : warning(at, message));
    return;
  }
  if (field.deprecated) out.push(warning(at, `deprecated key "${name}" (${field.deprecated})`));
  if (field.type === "struct") {
    const section = field.fields ?? {};
    for (const child of node.fields) {
      const known = section[child.name];
      if (known) checkNode(child.value, known, child.name, child.keyOffset, out);
      else {
        const hint = unknownKeyHint(child.name, Object.keys(section));
        out.push(warning(child.keyOffset, `unrecognized key "${child.name}"`, hint));
      }
    }
  }
  const element = elementOf(field);
  if (element) {
    node.items.forEach((item, i) => {
      checkNode(item, element, `${name}[${i}]`, item.offset, out);
    });
  }
}
