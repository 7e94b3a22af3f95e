import { document, elementOf, type Field } from "../../schema/index.js";
import { isScalar, type ValueNode } from "../../tree.js";
import { error, type Finding } from "../finding.js";

/**
 * Rule 4: a non-empty scalar in a field with a `valid` pattern must match it.
 * String fields compare the source text, so `off` is "off" and `0744` is "0744".
 */
export function checkValidity(root: ValueNode): Finding[] {
  const findings: Finding[] = [];
  visit(root, document, findings);
  return findings;
}

function visit(node: ValueNode, field: Field, out: Finding[]): void {
  if (field.valid) {
    if (
      isScalar(node) &&
      node.kind !== "null" &&
      node.text !== "" &&
      !field.valid.test(node.text)
    ) {
      out.push(error(node.offset, `invalid value ${node.text}`));
    }
    return;
  }
  if (field.type === "struct" && node.kind === "map") {
    for (const child of node.fields) {
      const known = field.fields?.[child.name];
      if (known) visit(child.value, known, out);
    }
  }
  const element = elementOf(field);
  if (element && node.kind === "seq") for (const item of node.items) visit(item, element, out);
}
