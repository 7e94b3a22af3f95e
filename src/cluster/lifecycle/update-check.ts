import { machinePaths } from "../../machine/index.js";
import { hostState } from "../providers/index.js";
import { openCluster } from "./open.js";

/** What one machine's update-engine said to "check now". */
export interface CheckAnswer {
  name: string;
  /** The engine's status after it took the request, or why it could not be asked. */
  status?: string;
  error?: string;
}

/**
 * Asks each running machine's update-engine to check now, as
 * `update_engine_client -check_for_update` inside it would; the checks go
 * on in the machines after this returns.
 */
export async function checkForUpdates(
  dir: string,
  env: NodeJS.ProcessEnv,
  names: string[] | undefined,
): Promise<CheckAnswer[]> {
  const { plan } = await openCluster(dir, env, names);
  const { callControl } = await import("../../update/index.js");
  return Promise.all(
    plan.machines.map(async (m): Promise<CheckAnswer> => {
      if (hostState(m) !== "running") return { name: m.name, error: "the machine is not running" };
      const answer: CheckAnswer = { name: m.name };
      try {
        await callControl(machinePaths(m.dir).updateEngineSocket, { op: "check" }, (r) => {
          if ("error" in r) answer.error = r.error;
          else answer.status = r.state.status;
        });
      } catch (err) {
        answer.error = `update-engine does not answer (${(err as Error).message})`;
      }
      if (!answer.status && !answer.error) answer.error = "update-engine closed without an answer";
      return answer;
    }),
  );
}
