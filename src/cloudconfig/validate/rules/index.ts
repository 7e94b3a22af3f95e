import type { ValueNode } from "../../tree.js";
import type { Finding } from "../finding.js";
import { checkDiscoveryUrl } from "./discovery-url.js";
import { checkEncoding } from "./encoding.js";
import { checkStructure } from "./structure.js";
import { checkValidity } from "./validity.js";
import { checkWriteFilesPath } from "./write-files-path.js";
import { checkWriteFilesUnderCoreos } from "./write-files-under-coreos.js";

/** A rule looks at the weak tree and returns what it finds; it never throws on bad input. */
export type Rule = (root: ValueNode) => Finding[];

/** coreos-cloudinit's validation rules, in its order (findings come out in that order). */
export const allRules: readonly Rule[] = [
  checkDiscoveryUrl,
  checkEncoding,
  checkStructure,
  checkValidity,
  checkWriteFilesPath,
  checkWriteFilesUnderCoreos,
];
