/**
 * cloudconfig: coreos-cloudinit's user-data dialect as pure functions (no I/O).
 * Detect the input kind, validate it with true positions, substitute
 * `$private_ipv4`-style variables, parse it into a typed config and plan what
 * a machine writes and runs, as coreos-cloudinit v1.14 does (differences
 * are named where they are made).
 *
 * Layers: parse.ts (yaml + LineCounter) -> tree.ts (weak tree with offsets)
 * -> validate/ (rules over the tree and the schema/ table) and decode.ts
 * (typed config) -> plan/.
 */

export { type ParsedCloudConfig, parseCloudConfig } from "./decode.js";
export { detectInput } from "./detect.js";
export { plan } from "./plan/index.js";
export type { CloudConfig } from "./schema/index.js";
export { substitute } from "./substitute.js";
export type {
  Entry,
  EntryKind,
  InputKind,
  MachineMeta,
  Plan,
  PlannedDropIn,
  PlannedFile,
  PlannedUnit,
  PlannedUser,
  Report,
  UnitCommand,
} from "./types.js";
export { distance as editDistance } from "./validate/hints.js";
export { allRules, type Rule, validate } from "./validate/index.js";
