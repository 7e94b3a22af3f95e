import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * The source files a module loads before any of its code runs: its own
 * chunk and every chunk it imports statically, as esbuild splits them (as
 * dist/ is built); dynamic imports are left out, since they load later.
 */
async function loadedAtStart(entry: string): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    outdir: "/nonexistent",
    write: false,
    metafile: true,
    external: ["better-sqlite3", "etcd3", "prom-client"],
    logLevel: "silent",
  });
  const outputs = (metafile as Metafile).outputs;
  const start = Object.keys(outputs).find((o) => outputs[o]?.entryPoint === entry) as string;
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of outputs[out]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
  };
  visit(start);
  return [...seen].flatMap((o) => Object.keys(outputs[o]?.inputs ?? {}));
}

describe("update-engine's start", () => {
  it("loads neither the XML parser nor tar: they come with the first check", async () => {
    // What the agent imports when update-engine.service starts.
    const inputs = await loadedAtStart("src/update/engine/index.ts");
    expect(inputs.some((f) => f.includes("src/update/engine/engine.ts"))).toBe(true);
    expect(inputs.filter((f) => /node_modules\/(fast-xml-parser|tar|minizlib)\//.test(f))).toEqual(
      [],
    );
  });
});
