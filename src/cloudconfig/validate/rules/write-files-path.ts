import { posix } from "node:path";
import { fieldOf, itemsOf, type ValueNode } from "../../tree.js";
import { error, type Finding } from "../finding.js";

/** Rule 5: CoreOS mounts /usr read-only; a file whose directory cleans to /usr... cannot be written. */
export function checkWriteFilesPath(root: ValueNode): Finding[] {
  const findings: Finding[] = [];
  for (const file of itemsOf(fieldOf(root, "write_files")?.value)) {
    const path = fieldOf(file, "path")?.value;
    if (path?.kind !== "string") continue; // upstream checks string values only
    if (posix.dirname(posix.normalize(path.text)).startsWith("/usr")) {
      findings.push(error(path.offset, "file cannot be written to a read-only filesystem"));
    }
  }
  return findings;
}
