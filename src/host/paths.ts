import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The user's state directory for shoal (the discovery server's database,
 * its pid and log): $SHOAL_STATE_DIR, else $XDG_STATE_HOME/shoal, else
 * ~/.local/state/shoal, as the XDG base directory spec puts it.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SHOAL_STATE_DIR) return env.SHOAL_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "shoal");
}
