import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShoalError } from "../errors/index.js";

let root: string | undefined;

/**
 * The shoal package's directory: the nearest parent of this code holding
 * package.json. From src/ (tests) and from dist/'s bundle chunks alike.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ShoalError(`shoal's package.json is not in any parent of ${here}`, {
        hint: "shoal's files are incomplete: install it again",
      });
    }
    dir = parent;
  }
  root = dir;
  return dir;
}

/** How shoal starts another shoal (agents, fleetd, servers): node and the built CLI. */
export function shoalArgv(): string[] {
  return [process.execPath, join(packageRoot(), "dist", "cli", "bin.js")];
}

/** shoal's version, from package.json (a new machine's base release has it too). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8"));
  return pkg.version as string;
}
