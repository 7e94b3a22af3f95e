import type { MachineContext } from "../units/index.js";
import { BASE_PATH, type ExecEnvironment } from "./environment.js";
import type { LoadedUnit } from "./load.js";
import { resolveProgram } from "./process.js";
import type { UnitSpec } from "./spec.js";

/**
 * shoal's init has no socket activation. Why a .socket unit cannot start:
 * first what its service lacks (the more useful message), else that.
 */
export function socketFailure(
  name: string,
  spec: UnitSpec,
  load: (unit: string) => LoadedUnit,
  exec: ExecEnvironment,
  ctx: MachineContext,
): string {
  const service = spec.socketService ?? "";
  const svc = load(service);
  if (svc.load !== "loaded" || !svc.spec)
    return `${name} activates ${service}, which this machine does not have`;
  const line = svc.spec.execStart[0];
  if (line) {
    try {
      resolveProgram(exec.command(service, line, {}).argv, ctx, BASE_PATH);
    } catch (err) {
      return `${name} activates ${service}: ${(err as Error).message}`;
    }
  }
  return "socket activation is not supported by shoal's init";
}
