export { CommandError, type RunOptions, type RunResult, run } from "./exec.js";
export { parseCount, parseDuration } from "./flags.js";
export { exchange, type HttpAnswer, NoAnswer } from "./http.js";
export { isDebianLike, osRelease } from "./os-release.js";
export { stateDir } from "./paths.js";
export { type Privileges, privileges } from "./privileges.js";
export { packageRoot, shoalArgv } from "./self.js";
export { waitFor } from "./wait.js";
export { which } from "./which.js";
