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

/** Upstream's rules, in upstream's order (spec §6.4). */
export const allRules: readonly Rule[] = [
  checkDiscoveryUrl,
  checkEncoding,
  checkStructure,
  checkValidity,
  checkWriteFilesPath,
  checkWriteFilesUnderCoreos,
];
