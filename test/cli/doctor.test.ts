import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/doctor/index.js";
import { shoal } from "../helpers/cli.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "shoal-doctor-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A cluster directory on its own subnet: doctor probes that cluster's
 * ports, and must not touch the ones other test files' clusters are using.
 */
function clusterDir(subnet = "172.23.9.0/24"): string {
  const dir = tempDir();
  writeFileSync(join(dir, "shoal.yaml"), `instances: 2\nnetwork:\n  subnet: ${subnet}\n`);
  return dir;
}

async function doctorJson(env: NodeJS.ProcessEnv = process.env, cwd = clusterDir()) {
  const result = await shoal(["doctor", "-o", "json"], { env, cwd });
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: CheckResult[] };
  const check = (name: string) => report.checks.find((c) => c.name === name);
  return { ...result, report, check };
}

describe("shoal doctor", () => {
  it("reports a missing etcd with the install hint and exits 1", async () => {
    const result = await shoal(["doctor"], {
      env: { ...process.env, PATH: "" },
      cwd: clusterDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+etcd\s+not found on PATH/m);
    expect(result.stdout).toContain("fix: apt-get install -y etcd-server");
    expect(result.stdout).toMatch(/required checks failed: etcd, etcdctl\.$/m);

    const json = await doctorJson({ ...process.env, PATH: "" });
    expect(json.code).toBe(1);
    expect(json.report.ok).toBe(false);
    expect(json.check("etcd")).toMatchObject({
      status: "fail",
      required: true,
      packages: ["etcd-server"],
    });
  });

  it("reports the etcd version this host really has", async () => {
    const own = execFileSync("etcd", ["--version"], { encoding: "utf8" });
    const version = /etcd Version: (\S+)/.exec(own)?.[1];
    const json = await doctorJson();
    expect(json.check("etcd")).toMatchObject({ status: "ok" });
    expect(json.check("etcd")?.detail).toBe(
      `${version} at ${execFileSync("sh", ["-c", "command -v etcd"], { encoding: "utf8" }).trim()}`,
    );
    expect(json.check("etcdctl")?.status).toBe("ok");
  });

  it("fails when an etcd port of the configured cluster is taken", async () => {
    // Its own subnet, so it never meets the clusters other test files bring up.
    const cwd = clusterDir("172.23.8.0/24");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(2380, "127.23.8.102", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const json = await doctorJson(process.env, cwd);
    expect(json.code).toBe(1);
    expect(json.check("loopback")?.detail).toBe("127.23.8.101-102 can be bound");
    expect(json.check("ports")).toMatchObject({ status: "fail", required: true });
    expect(json.check("ports")?.detail).toBe("in use: 127.23.8.102:2380");
  });

  it("reports a cluster config it cannot read, with file and line", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "shoal.yaml"), "instances: 2\nupdateChannel: nightly\n");
    const json = await doctorJson(process.env, cwd);
    expect(json.code).toBe(1);
    expect(json.check("cluster-config")).toMatchObject({ status: "fail", required: true });
    expect(json.check("cluster-config")?.detail).toMatch(/shoal\.yaml:2:\d+: .*nightly/);
  });

  it("fails when the state directory cannot be written", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    const json = await doctorJson({ ...process.env, SHOAL_STATE_DIR: join(file, "state") });
    expect(json.code).toBe(1);
    expect(json.check("state-dir")).toMatchObject({ status: "fail" });
    expect(json.check("state-dir")?.detail).toContain(join(file, "state"));
  });

  it("--fix says what to run when it cannot install, and still exits 1", async () => {
    const result = await shoal(["doctor", "--fix"], {
      env: { ...process.env, PATH: "" },
      cwd: clusterDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^shoal cannot install etcd-server etcd-client .* here; /m);
    expect(result.stderr).toContain("apt-get install -y etcd-server etcd-client");
  });
});

describe("shoal", () => {
  it("prints its version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const result = await shoal(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("exits 2 on an unknown option or command", async () => {
    expect((await shoal(["--no-such-flag"])).code).toBe(2);
    const result = await shoal(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
