export { releaseFiles } from "./files.js";
export {
  checkEntries,
  type Digest,
  digestFile,
  extractPayload,
  listArchive,
  packRelease,
  walkTree,
} from "./payload.js";
export { checkEntry, type EntryKind, type PayloadEntry } from "./rules.js";
export {
  generateSigningKey,
  type ReleaseFacts,
  releaseStatement,
  type SigningKey,
  signRelease,
  verifyRelease,
} from "./sign.js";
export { compareVersions, isVersion, parseVersion, type Version } from "./version.js";
