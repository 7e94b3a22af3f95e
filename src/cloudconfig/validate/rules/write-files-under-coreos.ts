import { fieldOf, type ValueNode } from "../../tree.js";
import { type Finding, info } from "../finding.js";

/** Rule 6: a common mistake upstream points out besides the unrecognized key. */
export function checkWriteFilesUnderCoreos(root: ValueNode): Finding[] {
  const misplaced = fieldOf(fieldOf(root, "coreos")?.value, "write_files");
  return misplaced ? [info(misplaced.keyOffset, "write_files doesn't belong under coreos")] : [];
}
