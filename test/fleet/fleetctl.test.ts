import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EtcdClient } from "../../src/etcd/index.js";
import { apiHandler } from "../../src/fleet/api-server.js";
import { RegistryApi } from "../../src/fleet/client.js";
import { Engine, Registry } from "../../src/fleet/index.js";
import { EtcdGroup } from "../e2e/harness/index.js";
import { shoal } from "../helpers/cli.js";
import { client, publishMachine, runMain } from "./helpers.js";

// The etcd of this file lives on 127.21.3.1.
const etcd = new EtcdGroup();
let endpoint = "";
let etcdClient: EtcdClient;
const owned: Array<() => unknown> = [];
let prefixCounter = 0;

beforeAll(async () => {
  const [member] = await etcd.startCluster(["fleetctl"], () => "127.21.3.1");
  endpoint = (member as { clientUrl: string }).clientUrl;
  etcdClient = client([endpoint]);
});
afterAll(async () => {
  etcdClient?.close();
  await etcd.cleanup();
});
afterEach(async () => {
  for (const fn of owned.splice(0).reverse()) await fn();
});

/** A fresh keyspace and a working directory with unit files, per test. */
function setup(files: Record<string, string> = {}) {
  prefixCounter += 1;
  const prefix = `/fleetctl-${process.pid}-${prefixCounter}/`;
  const cwd = mkdtempSync(join(tmpdir(), "shoal-fleetctl-"));
  owned.push(() => rmSync(cwd, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  const registry = new Registry(etcdClient, prefix);
  const run = (...args: string[]) =>
    runMain(["fleetctl", "--endpoint", endpoint, "--etcd-key-prefix", prefix, ...args], { cwd });
  const spawned = (...args: string[]) =>
    shoal(["fleetctl", "--endpoint", endpoint, "--etcd-key-prefix", prefix, ...args], { cwd });
  return { registry, run, spawned, cwd };
}

const M1 = "517d1c7d000000000000000000000001";
const M2 = "a1b2c3d4000000000000000000000002";

const HELLO = `[Unit]
Description=Hello World

[Service]
ExecStart=/bin/sh -c "while true; do echo hello; sleep 1; done"
`;

describe("shoal fleetctl on a real etcd", () => {
  it("submits, lists, cats and destroys units", async () => {
    const { run, spawned } = setup({
      "hello.service": HELLO,
      "web@.service": "[Service]\nExecStart=/bin/true\n",
    });
    expect(await spawned("submit", "hello", "web@.service")).toMatchObject({
      code: 0,
      stdout: "Unit hello.service inactive\nUnit web@.service inactive\n",
    });
    // Idempotent: submitting again is not an error.
    expect((await run("submit", "hello.service")).code).toBe(0);
    const files = await run("list-unit-files");
    expect(files.code).toBe(0);
    const hash = (await run("list-unit-files", "-o", "json")).stdout;
    const rows = JSON.parse(hash) as Array<{ unit: string; hash: string; desc: string | null }>;
    expect(rows.map((r) => [r.unit, r.desc])).toEqual([
      ["hello.service", "Hello World"],
      ["web@.service", null],
    ]);
    const short = (rows[0]?.hash ?? "").slice(0, 7);
    expect(files.stdout).toBe(
      `UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\t${short}\tinactive\tinactive\t-\nweb@.service\t${(rows[1]?.hash ?? "").slice(0, 7)}\tinactive\tinactive\t-\n`,
    );
    expect(
      (await run("list-unit-files", "--no-legend", "--full", "--fields", "unit,hash")).stdout,
    ).toBe(`hello.service\t${rows[0]?.hash}\nweb@.service\t${rows[1]?.hash}\n`);
    expect(await run("cat", "hello")).toMatchObject({ code: 0, stdout: HELLO });
    expect(await run("destroy", "hello", "nothere")).toMatchObject({
      code: 0,
      stdout: "Destroyed hello.service\n",
    });
    expect(await run("cat", "hello")).toMatchObject({
      code: 1,
      stderr: "Unit hello.service not found\n",
    });
    expect(await run("destroy", "hello")).toMatchObject({
      code: 0,
      stderr: "Units not found in registry\n",
    });
  });

  it("warns when the local file differs, and replaces it with --replace", async () => {
    const { run, cwd } = setup({ "hello.service": HELLO });
    await run("submit", "hello");
    writeFileSync(join(cwd, "hello.service"), HELLO.replace("Hello World", "Hello Again"));
    const again = await run("submit", "hello");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      "WARNING: Unit hello.service in registry differs from local unit file hello.service. Add --replace to override.",
    );
    expect((await run("cat", "hello")).stdout).toContain("Hello World");
    expect((await run("submit", "--replace", "hello")).code).toBe(0);
    expect((await run("cat", "hello")).stdout).toContain("Hello Again");
  });

  it("rejects what upstream rejects with upstream's words and exit 1, naming file, line and key", async () => {
    const { run, spawned } = setup({
      "pinned.service":
        "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nMachineID=abc\nConflicts=x*\n",
      "everywhere.service": "[X-Fleet]\nGlobal=true\nMachineOf=db.service\n",
      "broken.service": "[Service]\nExecStart=/bin/true\nnot an option\n",
    });
    expect(await spawned("submit", "pinned.service")).toMatchObject({
      code: 1,
      stderr:
        'Error creating units: pinned.service:6: MachineID cannot be used with Conflicts (key "[X-Fleet] Conflicts")\n',
    });
    expect((await run("submit", "everywhere")).stderr).toBe(
      'Error creating units: everywhere.service:3: Global cannot be used with Peers (key "[X-Fleet] MachineOf")\n',
    );
    expect(await run("submit", "broken")).toMatchObject({
      code: 1,
      stderr:
        "Error creating units: broken.service:3: unexpected newline encountered while parsing option name\n",
    });
    const missing = await run("submit", "ghost@1");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "unable to find Unit(ghost@1.service) or template Unit(ghost@.service) in Registry or on filesystem",
    );
    expect((await run("submit", "bad unit.service")).stderr).toContain(
      'invalid character " " in unit name',
    );
    // Nothing half-done: none of them reached the registry.
    expect((await run("list-unit-files", "--no-legend")).stdout).toBe("");
    // A bad --fields is the command's own error (exit 1); flag errors are cobra's, after
    // which fleetctl exits 0, having printed the command's usage.
    expect((await run("list-units", "--fields", "unit,colour")).code).toBe(1);
    const badValue = await run("start", "--block-attempts", "x", "pinned");
    expect(badValue.code).toBe(0);
    expect(badValue.stderr).toBe(
      'Error: invalid argument "x" for --block-attempts: strconv.ParseInt: parsing "x": invalid syntax\n\ncannot execute cmdFleet: invalid argument "x" for --block-attempts: strconv.ParseInt: parsing "x": invalid syntax\n',
    );
    expect(badValue.stdout).toMatch(/^NAME:\n\tstart - Instruct systemd to start /);
    expect(await run("start", "--bogus", "pinned")).toMatchObject({
      code: 0,
      stderr: "Error: unknown flag: --bogus\n\ncannot execute cmdFleet: unknown flag: --bogus\n",
    });
    expect((await run("list-unit-files", "--no-legend")).stdout).toBe("");
  });

  it("lists live machines with upstream's columns", async () => {
    const { registry, run } = setup();
    for (const [id, meta] of [
      [M2, { role: "web", az: "1" }],
      [M1, {}],
    ] as const) {
      const lease = await publishMachine(registry, id, meta);
      owned.push(() => lease.revoke());
    }
    expect((await run("list-machines")).stdout).toBe(
      "MACHINE\t\tIP\t\tMETADATA\n517d1c7d...\t127.0.0.1\t-\na1b2c3d4...\t127.0.0.1\taz=1,role=web\n",
    );
    expect((await run("list-machines", "-l", "--no-legend", "--fields", "machine")).stdout).toBe(
      `${M1}\n${M2}\n`,
    );
    expect(JSON.parse((await run("list-machines", "-o", "json")).stdout)).toEqual([
      { machine: M1, ip: "127.0.0.1", metadata: {} },
      { machine: M2, ip: "127.0.0.1", metadata: { az: "1", role: "web" } },
    ]);
  });

  it("start of a unit that cannot be placed says why instead of hanging", async () => {
    const { registry, run } = setup({
      "db.service": "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=role=db\n",
    });
    const lease = await publishMachine(registry, M1, { role: "web" });
    owned.push(() => lease.revoke());
    const engine = new Engine({ registry, machineId: M1, reconcileIntervalMs: 200 });
    owned.push(() => engine.stop());
    await engine.start();
    const started = await run("start", "db");
    expect(started.code).toBe(1);
    const why =
      "Unit db.service cannot be placed: 517d1c7d: metadata role=web does not match MachineMetadata role=db. Its desired state stays launched; fleet places it when a machine fits.";
    expect(started.stderr).toBe(
      `Error waiting for units: ${why}\nError waiting for unit states, exit status: ${why}\n`,
    );
    expect(
      (await run("list-unit-files", "--no-legend", "--fields", "unit,dstate,state,target")).stdout,
    ).toBe("db.service\tlaunched\tinactive\t-\n");
  });

  it("prints its version without touching etcd", async () => {
    for (const args of [["version"], ["--version"], ["-v"]]) {
      expect(await runMain(["fleetctl", ...args], { cwd: "/" }), args[0]).toEqual({
        code: 0,
        stdout: "fleetctl version 1.0.0-shoal\n",
        stderr: "",
      });
    }
  });

  it("says etcd cannot be reached, exit 1", async () => {
    const result = await shoal([
      "fleetctl",
      "--endpoint",
      "http://127.21.3.99:2379",
      "--request-timeout",
      "0.5",
      "list-machines",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Error retrieving list of active machines from fleet API \(.*\)\nPossible issues:\n {2}etcd is unhealthy and\/or lost quorum\n {2}connection cannot be established to any etcd servers\n$/s,
    );
  });

  it("talks to fleet's API on a unix socket (--driver=API), and to etcd with --driver=etcd", async () => {
    const { registry, cwd } = setup({ "hello.service": HELLO });
    const socket = join(cwd, "fleet.sock");
    const server: Server = createServer((req, res) => {
      void apiHandler(new RegistryApi(registry), 100, () => {})(req, res);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    owned.push(() => new Promise((resolve) => server.close(resolve)));
    const api = (...args: string[]) =>
      runMain(["fleetctl", "--endpoint", `unix://${socket}`, ...args], { cwd });
    expect(await api("submit", "hello")).toEqual({
      code: 0,
      stdout: "Unit hello.service inactive\n",
      stderr: "",
    });
    expect((await api("list-unit-files", "--no-legend", "--fields", "unit,dstate")).stdout).toBe(
      "hello.service\tinactive\n",
    );
    expect((await api("cat", "hello")).stdout).toBe(HELLO);
    // The same registry through etcd: the driver named explicitly, the endpoint from FLEETCTL_ENDPOINT.
    const etcd = await runMain(
      [
        "fleetctl",
        "--driver=etcd",
        "--etcd-key-prefix",
        registry.ns.prefix,
        "list-unit-files",
        "--no-legend",
        "--fields",
        "unit",
      ],
      { cwd, env: { ...process.env, FLEETCTL_ENDPOINT: endpoint } },
    );
    expect(etcd).toEqual({ code: 0, stdout: "hello.service\n", stderr: "" });
    expect(await api("destroy", "hello")).toMatchObject({
      code: 0,
      stdout: "Destroyed hello.service\n",
    });
    const unreachable = await runMain(
      ["fleetctl", "--endpoint", `unix://${join(cwd, "none.sock")}`, "list-units"],
      { cwd },
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^Error retrieving list of units from repository: connect ENOENT/,
    );
  });

  it("accepts command prefixes, upstream's flags and FLEETCTL_* variables", async () => {
    const { run } = setup();
    expect((await run("list-m", "--no-legend")).code).toBe(0);
    // `s` could be submit, start, stop, status or ssh: not a command (cobra's error; exit 0).
    const ambiguous = await run("s", "x");
    expect(ambiguous).toMatchObject({ code: 0, stdout: "" });
    expect(ambiguous.stderr).toMatch(/^Error: unknown command "s" for "fleetctl"\n/);
    expect(await run("verify", "x")).toEqual({
      code: 2,
      stdout: "",
      stderr: "WARNING: The signed/verified units feature is DEPRECATED and cannot be used.\n",
    });
    expect((await run("start", "--sign", "x")).code).toBe(2);
    // Meaningless here, accepted with one notice.
    const inert = await run(
      "--strict-host-key-checking=false",
      "--ssh-username",
      "core",
      "list-machines",
      "--no-legend",
    );
    expect(inert).toEqual({
      code: 0,
      stdout: "",
      stderr:
        "fleetctl: --ssh-username, --strict-host-key-checking accepted and ignored: shoal reaches machines and etcd without SSH or TLS\n",
    });
    const fromEnv = await runMain(
      ["fleetctl", "--etcd-key-prefix", "/none/", "list-machines", "--no-legend"],
      {
        cwd: "/",
        env: {
          ...process.env,
          FLEETCTL_ENDPOINT: endpoint,
          FLEETCTL_KNOWN_HOSTS_FILE: "/dev/null",
        },
      },
    );
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stderr).toContain("--known-hosts-file accepted and ignored");
    expect(await run("start")).toEqual({ code: 0, stdout: "", stderr: "No units given\n" });
    expect(await run("stop", "ghost")).toEqual({
      code: 0,
      stdout: "",
      stderr: "Units not found in registry\n",
    });
  });
});
