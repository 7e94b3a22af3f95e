/**
 * The CLI tests run dist/cli/bin.js, as a user does: build it first when
 * anything it is made from is newer, so no test ever runs stale code.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BUILT = join(ROOT, "dist", "cli", "bin.js");
const INPUTS = ["src", "scripts/build.mjs", "package.json", "package-lock.json"];

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs; // a deleted file shows only as its directory's change
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function builtAt(): number {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return 0; // never built
  }
}

export default function setup(): void {
  const source = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
  if (builtAt() >= source) return;
  execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], {
    cwd: ROOT,
    stdio: "inherit",
  });
}
