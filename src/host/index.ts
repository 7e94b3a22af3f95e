export { CommandError, type RunOptions, type RunResult, run } from "./exec.js";
export { exchange, type HttpAnswer } from "./http.js";
export { BodyTooLarge, type Reply, readBody, writeReply } from "./http-server.js";
export { isDebianLike, osRelease } from "./os-release.js";
export { stateDir } from "./paths.js";
export { type Privileges, privileges } from "./privileges.js";
export { packageRoot, shoalArgv } from "./self.js";
export { which } from "./which.js";
