import { decodeContent } from "../../content.js";
import { fieldOf, isScalar, itemsOf, scalarBytes, type ValueNode } from "../../tree.js";
import { error, type Finding } from "../finding.js";

/** Rule 2: a write_files item with an `encoding` must have content that decodes with it. */
export function checkEncoding(root: ValueNode): Finding[] {
  const findings: Finding[] = [];
  for (const file of itemsOf(fieldOf(root, "write_files")?.value)) {
    const encoding = fieldOf(file, "encoding");
    if (!encoding || encoding.value.kind === "null") continue;
    const name = isScalar(encoding.value) ? encoding.value.text : `<${encoding.value.kind}>`;
    const content = fieldOf(file, "content");
    // A missing or null content decodes as upstream's "<invalid Value>"; report it at the encoding.
    const decodable = content && isScalar(content.value) && content.value.kind !== "null";
    const ok = decodable && decodeContent(scalarBytes(content.value), name).ok;
    if (!ok) {
      const at = (content ?? encoding).keyOffset;
      findings.push(error(at, `content cannot be decoded as "${name}"`));
    }
  }
  return findings;
}
