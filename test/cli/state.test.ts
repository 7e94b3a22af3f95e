import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shoal } from "../helpers/cli.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A cluster directory whose .shoal/cluster.json holds `state`, and an empty state directory. */
function clusterWithState(state: string) {
  const dir = tempDir("shoal-state-cluster-");
  const stateDir = tempDir("shoal-state-home-");
  writeFileSync(join(dir, "shoal.yaml"), "instances: 2\n");
  writeFileSync(join(dir, "user-data"), "#cloud-config\n");
  mkdirSync(join(dir, ".shoal"));
  const file = join(dir, ".shoal", "cluster.json");
  writeFileSync(file, state);
  return { dir, stateDir, file, env: { ...process.env, SHOAL_STATE_DIR: stateDir } };
}

describe("a damaged .shoal/cluster.json", () => {
  it.each([
    ["half a file", '{"version": 1, "id": "abc", "machines": [', /it is not JSON/],
    ["a list", "[]", /it is not a JSON object/],
    [
      "no machines",
      '{"version":1,"id":"a","provider":"process","discoveryUrl":"u","namePrefix":"core","subnet":"s"}',
      /"machines" is missing/,
    ],
  ])("with %s stops up with exit 2 naming the file and changes nothing", async (_, text, why) => {
    const c = clusterWithState(text);
    const res = await shoal(["up", "--provider", "process", "--no-wait"], {
      cwd: c.dir,
      env: c.env,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${c.file}: the cluster's state file is damaged`);
    expect(res.stderr).toMatch(why);
    expect(res.stderr).toContain("shoal destroy -f");
    // Nothing minted, nothing started: the file is as it was, no machine directory, no token server.
    expect(readFileSync(c.file, "utf8")).toBe(text);
    expect(readdirSync(join(c.dir, ".shoal"))).toEqual(["cluster.json"]);
    expect(existsSync(c.stateDir) ? readdirSync(c.stateDir) : []).toEqual([]);
  });

  it("is an input error for status too, not an empty cluster", async () => {
    const c = clusterWithState("{");
    const res = await shoal(["status"], { cwd: c.dir, env: c.env });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain(`${c.file}: the cluster's state file is damaged`);
  });
});

describe("flag values", () => {
  it.each([
    [["up", "--timeout", "soon"], '--timeout: bad duration "soon"'],
    [["reload", "--timeout", "0"], '--timeout: duration "0" must be at least 1ms'],
  ])(
    "shoal %j stops with exit 2 naming the flag, before touching anything",
    async (args, message) => {
      const c = clusterWithState("{}");
      const res = await shoal(args, { cwd: c.dir, env: c.env });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`shoal: ${message}`);
      expect(res.stderr).toContain("(run `shoal --help` for usage)");
    },
  );
});
