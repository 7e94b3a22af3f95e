import { shoalArgv } from "../host/index.js";
import { COMMANDS } from "./commands/index.js";
import type { IO } from "./io.js";
import { reportError } from "./report.js";
import { packageVersion } from "./version.js";

/**
 * `shoal machine boot`'s work: runs the machine's agent until it halted and
 * resolves with its exit code. Shared by the command and by bin.ts's direct
 * way in, which skips loading commander for the argv providers start
 * agents with (see agentBootArgs).
 */
export async function bootAgent(args: AgentBootArgs): Promise<number> {
  const { runAgent } = await import("../machine/index.js");
  return runAgent({
    machineDir: args.dir,
    root: args.root,
    slotMounted: args.slotMounted,
    shoal: { argv: shoalArgv(), commands: Object.keys(COMMANDS) },
    version: packageVersion(),
  });
}

export interface AgentBootArgs {
  dir: string;
  root?: string | undefined;
  slotMounted?: boolean | undefined;
}

/**
 * The options of exactly the argv a provider starts an agent with
 * (`machine boot --dir DIR [--root ROOT] [--slot-mounted]`, in that order);
 * anything else (help, other spellings) is commander's to parse.
 */
export function agentBootArgs(argv: readonly string[]): AgentBootArgs | undefined {
  const [machine, boot, dirFlag, dir, ...rest] = argv;
  if (machine !== "machine" || boot !== "boot" || dirFlag !== "--dir" || !dir) return undefined;
  if (dir.startsWith("-")) return undefined;
  const args: AgentBootArgs = { dir };
  if (rest[0] === "--root") {
    const root = rest[1];
    if (!root || root.startsWith("-")) return undefined;
    args.root = root;
    rest.splice(0, 2);
  }
  if (rest[0] === "--slot-mounted") {
    args.slotMounted = true;
    rest.shift();
  }
  return rest.length === 0 ? args : undefined;
}

/** Runs the agent for agentBootArgs' argv, with main's exit codes for its errors. */
export async function runAgentEntry(args: AgentBootArgs, io: IO): Promise<number> {
  try {
    return await bootAgent(args);
  } catch (err) {
    return reportError(err, io, false);
  }
}
