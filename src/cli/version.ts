import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../host/index.js";

/** shoal's version, from package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8"));
  return pkg.version as string;
}
