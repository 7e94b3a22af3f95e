import { SHOAL_BIN } from "../../helpers/cli.js";
import { OwnedProcess } from "./child.js";

/**
 * `shoal discovery serve ARGS` from the built CLI, as a user (or `shoal up`)
 * runs it, resolved once it prints its ready line. The caller owns `proc`.
 */
export async function serveDiscovery(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ proc: OwnedProcess; url: string }> {
  const proc = new OwnedProcess([process.execPath, SHOAL_BIN, "discovery", "serve", ...args], {
    env,
  });
  try {
    const m = await proc.waitForOutput(/^discovery server listening on (http:\/\/\S+)$/m);
    return { proc, url: m[1] as string };
  } catch (err) {
    await proc.kill();
    throw err;
  }
}
