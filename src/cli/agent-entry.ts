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
export async function bootAgent(dir: string, root: string | undefined): Promise<number> {
  const { runAgent } = await import("../machine/index.js");
  return runAgent({
    machineDir: dir,
    root,
    shoal: { argv: shoalArgv(), commands: Object.keys(COMMANDS) },
    version: packageVersion(),
  });
}

/**
 * The directory and root of exactly the argv a provider starts an agent
 * with (`machine boot --dir DIR [--root ROOT]`); anything else (help, other
 * spellings) is commander's to parse.
 */
export function agentBootArgs(
  argv: readonly string[],
): { dir: string; root: string | undefined } | undefined {
  const [machine, boot, dirFlag, dir, rootFlag, root, ...rest] = argv;
  if (machine !== "machine" || boot !== "boot" || dirFlag !== "--dir" || !dir) return undefined;
  if (dir.startsWith("-") || rest.length > 0) return undefined;
  if (rootFlag === undefined) return { dir, root: undefined };
  if (rootFlag !== "--root" || !root || root.startsWith("-")) return undefined;
  return { dir, root };
}

/** Runs the agent for agentBootArgs' argv, with main's exit codes for its errors. */
export async function runAgentEntry(
  args: { dir: string; root: string | undefined },
  io: IO,
): Promise<number> {
  try {
    return await bootAgent(args.dir, args.root);
  } catch (err) {
    return reportError(err, io, false);
  }
}
