import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../e2e/harness/index.js";
import { shoal } from "../helpers/cli.js";
import { serveDashboard } from "./serve.js";

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

  it("in a cluster not created yet serves a page that says so, --open hands the URL to xdg-open, Ctrl-C stops it", async () => {
    const dir = temp();
    writeFileSync(join(dir, "config.rb"), "$num_instances=2\n");
    const bin = temp();
    const opened = join(bin, "opened");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\necho "$1" > ${opened}\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const env = { ...process.env, SHOAL_STATE_DIR: temp(), PATH: `${bin}:${process.env.PATH}` };
    const dash = await serveDashboard(dir, env, ["--open"]);
    try {
      const url = await waitFor(
        () => {
          try {
            return readFileSync(opened, "utf8").trim();
          } catch {
            return undefined;
          }
        },
        { what: "xdg-open to be called" },
      );
      expect(url).toBe(dash.url);
      const res = await fetch(new URL("/api/cluster", dash.url).href + new URL(dash.url).search);
      const view = (await res.json()) as { created: boolean; machines: Array<{ state: string }> };
      expect(view.created).toBe(false);
      expect(view.machines.map((m) => m.state)).toEqual(["not created", "not created"]);
    } finally {
      expect(await dash.interrupt()).toBe(0);
    }
    expect(dash.output()).toContain("Dashboard stopped.");
  });
});
