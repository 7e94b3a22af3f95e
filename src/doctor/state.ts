import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "../host/index.js";
import type { CheckResult, DoctorEnv } from "./types.js";

/**
 * Proves a directory is writable by writing a file into it. The
 * directory itself is created if missing: shoal would create it anyway.
 */
function probeWritable(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function checkStateDirs(env: DoctorEnv): CheckResult[] {
  const user = stateDir(env.env);
  const userProblem = probeWritable(user);
  const userCheck: CheckResult = userProblem
    ? {
        name: "state-dir",
        required: true,
        status: "fail",
        detail: `${user} is not writable: ${userProblem}`,
        fix: "set SHOAL_STATE_DIR (or XDG_STATE_HOME) to a writable directory",
      }
    : { name: "state-dir", required: true, status: "ok", detail: `${user} is writable` };
  // .shoal/ itself is not created here: only `shoal up` should leave it behind.
  const cwdProblem = probeWritable(join(env.cwd, `.shoal-doctor-${process.pid}`));
  rmSync(join(env.cwd, `.shoal-doctor-${process.pid}`), { recursive: true, force: true });
  const cwdCheck: CheckResult = cwdProblem
    ? {
        name: "cluster-dir",
        required: true,
        status: "fail",
        detail: `${env.cwd} is not writable, so .shoal/ cannot be kept here: ${cwdProblem}`,
        fix: "run shoal in a directory you can write to",
      }
    : {
        name: "cluster-dir",
        required: true,
        status: "ok",
        detail: `${join(env.cwd, ".shoal")} can be written`,
      };
  return [userCheck, cwdCheck];
}
