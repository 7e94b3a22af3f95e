import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shoal } from "../helpers/cli.js";

describe("shoal dashboard's bad input", () => {
  const dirs: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), "shoal-dashboard-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("outside a cluster directory says so and exits 2", async () => {
    const dir = temp();
    const r = await shoal(["dashboard"], {
      cwd: dir,
      env: { ...process.env, SHOAL_STATE_DIR: temp() },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${dir} is not a cluster directory (no shoal.yaml, config.rb or .shoal/)`,
    );
    expect(r.stdout).toBe("");
  });

  it.each([
    ["0.0.0.0:8090", "serves on loopback only"],
    ["127.0.0.1:port", "expected HOST:PORT"],
  ])("refuses --listen %s with exit 2", async (listen, why) => {
    const dir = temp();
    writeFileSync(join(dir, "config.rb"), "$num_instances=3\n");
    const r = await shoal(["dashboard", "--listen", listen], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(why);
  });
});
