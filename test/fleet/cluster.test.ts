/**
 * The issue's end-to-end tests: a real 3-machine cluster (`shoal up`,
 * process provider, real etcd members), fleetctl driven from core-02 as a
 * user would, fleetd in every machine as its built-in fleet.service.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscoveryServer, startDiscoveryServer } from "../../src/discovery/index.js";
import { EtcdClient, memberStatus } from "../../src/etcd/index.js";
import { currentState, Registry } from "../../src/fleet/index.js";
import { connectMachine } from "../../src/machine/index.js";
import { waitFor } from "../e2e/harness/index.js";
import { type CliResult, shoal } from "../helpers/cli.js";

// This cluster lives on 127.21.61.101-103.
const ADDRESSES = ["127.21.61.101", "127.21.61.102", "127.21.61.103"];
const NAMES = ["core-01", "core-02", "core-03"];
const AGENT_TTL_S = 2;
const RECONCILE_MS = 500;

const USER_DATA = `#cloud-config

coreos:
  etcd2:
    advertise-client-urls: http://$public_ipv4:2379
    initial-advertise-peer-urls: http://$private_ipv4:2380
    listen-client-urls: http://$private_ipv4:2379
    listen-peer-urls: http://$private_ipv4:2380
  fleet:
    public-ip: $public_ipv4
    metadata: ip=$private_ipv4
    agent-ttl: ${AGENT_TTL_S}s
    engine-reconcile-interval: ${RECONCILE_MS / 1000}
    token-limit: 2
    verbosity: 1
  units:
    - name: etcd2.service
      command: start
    - name: fleet.service
      command: start
`;

let dir = "";
let env: NodeJS.ProcessEnv = {};
let discovery: DiscoveryServer | undefined;
let etcd: EtcdClient | undefined;
let registry: Registry;

const cli = (args: string[]) => shoal(args, { cwd: dir, env });
/** fleetctl inside core-02, as a user logged in there (`shoal ssh core-02`) runs it. */
const fleetctl = (...args: string[]) => cli(["ssh", "core-02", "--", `fleetctl ${args.join(" ")}`]);

/**
 * The same fleetctl through core-02's own command (machineDir/bin/fleetctl,
 * first on the PATH of its shell) without the ssh hop, to keep the suite fast.
 */
function fleetctlOn(machine: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(dir, ".shoal", "machines", machine, "bin", "fleetctl"), args, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function unitFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const machineOf = (id: string) =>
  registry.machines().then((ms) => ms.find((m) => m.id === id)?.hostname);

/** Where a unit is launched (desired and current state both launched), or undefined. */
async function launchedOn(unit: string): Promise<string | undefined> {
  const snap = await registry.snapshot();
  const job = snap.jobs.find((j) => j.name === unit);
  if (!job?.target || currentState(job, snap.states) !== "launched") return undefined;
  const state = snap.states.find((s) => s.unit === unit && s.machineId === job.target);
  return state?.active === "active" ? machineOf(job.target) : undefined;
}

/** The process running a unit, as the machine's own agent says. */
async function pidOf(machine: string, unit: string): Promise<number | undefined> {
  const client = await connectMachine(join(dir, ".shoal", "machines", machine));
  try {
    return (await client.status()).units.find((x) => x.name === unit)?.mainPid;
  } finally {
    client.close();
  }
}

async function journalOf(machine: string, unit: string): Promise<string[]> {
  const client = await connectMachine(join(dir, ".shoal", "machines", machine));
  try {
    const lines: string[] = [];
    for await (const line of client.journal(unit, { lines: 500 })) lines.push(line);
    return lines;
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shoal-fleet-e2e-"));
  env = { ...process.env, SHOAL_STATE_DIR: join(dir, "state") };
  discovery = await startDiscoveryServer({
    listen: { host: "127.0.0.1", port: 0 },
    store: `sqlite:${join(dir, "discovery.db")}`,
  });
  writeFileSync(
    join(dir, "shoal.yaml"),
    `instances: 3\nprovider: process\nuserData: ./user-data\ndiscovery: ${discovery.url}\nnetwork:\n  subnet: 172.21.61.0/24\n`,
  );
  writeFileSync(join(dir, "user-data"), USER_DATA);
  const up = await cli(["up"]);
  if (up.code !== 0) throw new Error(`shoal up failed:\n${up.stdout}\n${up.stderr}`);
  etcd = new EtcdClient({
    endpoints: ADDRESSES.map((a) => `http://${a}:2379`),
    requestTimeoutMs: 2000,
  });
  registry = new Registry(etcd);
  await waitFor(async () => (await registry.machines()).length === 3, {
    what: "three fleet machines registered",
    timeoutMs: 30_000,
  });
}, 120_000);

afterAll(async () => {
  etcd?.close();
  if (dir) await cli(["destroy", "-f"]);
  await discovery?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("fleet on a 3-machine cluster", () => {
  it("from core-02: start a service, see it launched, read its journal, stop and destroy it", async () => {
    const hello = unitFile(
      "hello.service",
      `[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sh -c "while true; do echo hello-from-fleet; sleep 0.2; done"\n`,
    );
    const started = await fleetctl("start", hello);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      /^Unit hello\.service inactive\nUnit hello\.service launched on [0-9a-f]{8}\.\.\.\/127\.21\.61\.10[1-3]\n$/,
    );
    const units = await fleetctl("list-units", "--no-legend");
    expect(units.stdout).toMatch(
      /^hello\.service\t[0-9a-f]{8}\.\.\.\/127\.21\.61\.10[1-3]\tactive\trunning\n$/,
    );
    const where = await launchedOn("hello.service");
    expect(NAMES).toContain(where);
    const before = await pidOf(where as string, "hello.service");
    const restarted = await fleetctl("restart", "hello");
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(
      /^Unit hello\.service loaded on .*\nUnit hello\.service launched on /,
    );
    const after = await waitFor(() => pidOf(where as string, "hello.service"), {
      what: "hello.service running again",
    });
    expect(after).not.toBe(before);

    const journal = await waitFor(
      async () => {
        const j = await fleetctl("journal", "--lines", "3", "hello");
        return j.stdout.split("\n").filter((l) => l.includes("hello-from-fleet")).length === 3 && j;
      },
      { what: "three journal lines of hello.service", timeoutMs: 15_000 },
    );
    expect(journal.stdout).toContain(`${where} hello.service`);

    const stopped = await fleetctl("stop", "hello");
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^Unit hello\.service loaded on /);
    expect(
      (
        await fleetctlOn(
          "core-02",
          "list-unit-files",
          "--no-legend",
          "--fields",
          "unit,dstate,state",
        )
      ).stdout,
    ).toBe("hello.service\tloaded\tloaded\n");
    expect((await fleetctl("destroy", "hello")).stdout).toBe("Destroyed hello.service\n");
    await waitFor(async () => (await registry.snapshot()).states.length === 0, {
      what: "hello.service unloaded everywhere",
    });
    expect((await fleetctlOn("core-02", "list-units", "--no-legend")).stdout).toBe("");
  });

  it("places by Global, MachineMetadata, Conflicts and MachineOf", async () => {
    const paths = [
      unitFile(
        "everywhere.service",
        "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nGlobal=true\n",
      ),
      unitFile(
        "only3.service",
        "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=ip=127.21.61.103\n",
      ),
      unitFile(
        "web@.service",
        "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nConflicts=web@*.service\n",
      ),
      unitFile(
        "side@.service",
        "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineOf=web@%i.service\n",
      ),
    ];
    expect((await fleetctlOn("core-02", "submit", ...paths)).code).toBe(0);
    const started = await fleetctlOn(
      "core-02",
      "start",
      "everywhere",
      "only3",
      "web@1",
      "web@2",
      "side@1",
      "side@2",
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain("Triggered global unit everywhere.service start");

    await waitFor(
      async () =>
        (await registry.snapshot()).states.filter(
          (s) => s.unit === "everywhere.service" && s.active === "active",
        ).length === 3,
      { what: "the global unit active on all three machines" },
    );
    expect(await launchedOn("only3.service")).toBe("core-03");
    const web1 = await launchedOn("web@1.service");
    const web2 = await launchedOn("web@2.service");
    expect(web1).toBeDefined();
    expect(web2).toBeDefined();
    expect(web1).not.toBe(web2);
    expect(await waitFor(() => launchedOn("side@1.service"), { what: "side@1 launched" })).toBe(
      web1,
    );
    expect(await waitFor(() => launchedOn("side@2.service"), { what: "side@2 launched" })).toBe(
      web2,
    );

    // From the host: `shoal fleetctl --on NAME` runs fleetctl inside that machine.
    const rows = (
      await cli(["fleetctl", "--on", "core-01", "list-units", "--no-legend", "--fields", "unit"])
    ).stdout.split("\n");
    expect(rows.filter((r) => r === "everywhere.service")).toHaveLength(3);
    // ssh and status reach the machine a unit runs on.
    const ssh = await fleetctlOn("core-02", "ssh", "web@1", "echo $HOSTNAME");
    expect(ssh).toMatchObject({ code: 0, stdout: `${web1}\n` });
    expect(await fleetctlOn("core-02", "ssh", "--unit", "web@1", "echo $HOSTNAME")).toMatchObject({
      code: 0,
      stdout: `${web1}\n`,
    });
    const web1Id = (await registry.machines()).find((m) => m.hostname === web1)?.id as string;
    expect(
      await fleetctlOn("core-02", "ssh", "--machine", web1Id.slice(0, 6), "echo $HOSTNAME"),
    ).toMatchObject({ code: 0, stdout: `${web1}\n` });
    // The old spelling of the host option still works, with a notice.
    const old = await cli(["fleetctl", "--machine", "core-03", "list-machines", "--no-legend"]);
    expect(old.code).toBe(0);
    expect(old.stderr).toBe("shoal: --machine before the command is now --on\n");
    expect(old.stdout.split("\n")).toHaveLength(4);
    const status = await fleetctlOn("core-02", "status", "web@1");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("Active: active (running)");
    expect(
      (
        await fleetctlOn(
          "core-02",
          "destroy",
          "everywhere",
          "only3",
          "side@1",
          "side@2",
          "web@1",
          "web@2",
        )
      ).code,
    ).toBe(0);
  });

  it("start of a oneshot returns with upstream's error, and hello@ instances spread by Conflicts", async () => {
    unitFile("once.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
    const once = await fleetctlOn("core-02", "start", join(dir, "once.service"));
    expect(once.code).toBe(1);
    expect(once.stdout).toMatch(/^Unit once\.service inactive\nUnit once\.service launched on /);
    expect(once.stderr).toBe(
      "Error waiting for units: Failed to find an active unit once.service within 2s, err: Failed to find an active unit once.service\nError waiting for systemd unit states, err: Failed to find an active unit once.service within 2s, err: Failed to find an active unit once.service\n",
    );
    // Starting it again changes nothing and prints nothing.
    expect(await fleetctlOn("core-02", "start", "once")).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
    unitFile(
      "hello@.service",
      "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nConflicts=hello@*\n",
    );
    const hellos = ["hello@1.service", "hello@2.service", "hello@3.service"];
    const started = await fleetctlOn("core-02", "start", ...hellos.map((h) => join(dir, h)));
    expect(started.code).toBe(0);
    const machines = await Promise.all(hellos.map((h) => launchedOn(h)));
    expect(new Set(machines).size).toBe(3);
    const gone = await fleetctlOn("core-02", "destroy", "once", ...hellos, "nothere");
    expect(gone.stdout).toBe(
      "Destroyed once.service\nDestroyed hello@1.service\nDestroyed hello@2.service\nDestroyed hello@3.service\n",
    );
    expect(await fleetctlOn("core-02", "stop", "nothere")).toEqual({
      code: 0,
      stdout: "",
      stderr: "Units not found in registry\n",
    });
  });

  it("serves fleet's API on the machine's /var/run/fleet.sock, as a script with curl uses it", async () => {
    const socket = join(dir, ".shoal", "machines", "core-03", "root", "var", "run", "fleet.sock");
    const curl = (...args: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) =>
        execFile(
          "curl",
          ["-s", "--unix-socket", socket, "-w", "\n%{http_code}", ...args],
          (err, stdout) => {
            if (err) return reject(err);
            const at = stdout.lastIndexOf("\n");
            resolve({ status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) });
          },
        ),
      );
    const base = "http://fleet/fleet/v1";
    const options = [{ section: "Service", name: "ExecStart", value: "/bin/sleep 1000" }];
    for (const n of [1, 2, 3]) {
      const put = await curl(
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        JSON.stringify({ desiredState: "launched", options }),
        `${base}/units/api${n}.service`,
      );
      expect(put.status).toBe(201);
    }
    // Paging: token_limit is 2 here; walk the pages as a client does.
    const names: string[] = [];
    const tokens: string[] = [];
    let token: string | undefined;
    do {
      const res = await curl(`${base}/units${token ? `?nextPageToken=${token}` : ""}`);
      expect(res.status).toBe(200);
      const page = JSON.parse(res.body) as {
        units?: Array<{ name: string }>;
        nextPageToken?: string;
      };
      expect((page.units ?? []).length).toBeLessThanOrEqual(2);
      names.push(...(page.units ?? []).map((u) => u.name));
      token = page.nextPageToken;
      if (token) tokens.push(token);
    } while (token);
    expect(tokens[0]).toBe("AgACAA==");
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["api1.service", "api2.service", "api3.service"]));
    await waitFor(async () => (await launchedOn("api1.service")) !== undefined, {
      what: "api1.service launched",
    });
    const state = JSON.parse((await curl(`${base}/state?unitName=api1.service`)).body) as {
      states: Array<Record<string, string>>;
    };
    expect(state.states[0]).toMatchObject({
      name: "api1.service",
      systemdLoadState: "loaded",
      systemdActiveState: "active",
      systemdSubState: "running",
    });
    const machines = JSON.parse((await curl(`${base}/machines`)).body) as {
      machines: Array<{ id: string; primaryIP: string }>;
      nextPageToken: string;
    };
    // Three machines, two a page.
    expect(machines.machines).toHaveLength(2);
    expect(machines.nextPageToken).toBe("AgACAA==");
    expect(await curl(`${base}/units?nextPageToken=AQABAA==`)).toEqual({
      status: 400,
      body: '{"error":{"code":400,"message":"token limit must be 2"}}',
    });
    expect(
      await curl(
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        "{",
        `${base}/units/x.service`,
      ),
    ).toMatchObject({ status: 400 });
    expect(
      await curl(
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"desiredState":"launched"}',
        `${base}/units/none.service`,
      ),
    ).toEqual({
      status: 409,
      body: '{"error":{"code":409,"message":"unit does not exist and options field empty"}}',
    });
    // Metadata set through the API shows in fleetctl and places units.
    const id = machines.machines[0]?.id as string;
    const patch = await curl(
      "-X",
      "PATCH",
      "-d",
      JSON.stringify([{ op: "add", path: `/${id}/metadata/role`, value: { value: "api" } }]),
      `${base}/machines`,
    );
    expect(patch.status).toBe(204);
    const listed = await fleetctlOn("core-01", "list-machines", "-l", "--no-legend");
    expect(listed.stdout).toMatch(new RegExp(`^${id}\t\\S+\tip=\\S+,role=api$`, "m"));
    expect(
      (
        await curl(
          "-X",
          "PATCH",
          "-d",
          JSON.stringify([{ op: "remove", path: `/${id}/metadata/role` }]),
          `${base}/machines`,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await curl(
          "-X",
          "PATCH",
          "-d",
          '[{"op":"move","path":"/x/metadata/y"}]',
          `${base}/machines`,
        )
      ).body,
    ).toBe('{"error":{"code":400,"message":"invalid op: expect add, remove, or replace"}}');
    for (const n of [1, 2, 3]) {
      expect((await curl("-X", "DELETE", `${base}/units/api${n}.service`)).status).toBe(204);
    }
    expect(await curl("-X", "DELETE", `${base}/units/api1.service`)).toEqual({
      status: 404,
      body: '{"error":{"code":404,"message":"unit does not exist"}}',
    });
  });

  it("fleetd says what it ignores at boot, dumps its state on SIGUSR1 and reloads on SIGHUP", async () => {
    const boot = await journalOf("core-01", "fleet.service");
    expect(boot.some((l) => l.includes("fleetd: not supported, ignored: verbosity:"))).toBe(true);
    const pid = (await pidOf("core-01", "fleet.service")) as number;
    process.kill(pid, "SIGUSR1");
    const dump = await waitFor(
      async () =>
        (await journalOf("core-01", "fleet.service")).find((l) => l.includes("fleetd: state {")),
      { what: "the state dump in fleet.service's journal" },
    );
    const state = JSON.parse(dump.slice(dump.indexOf("{"))) as {
      agent: { machine: string };
      api: string[];
    };
    expect(state.api[0]).toMatch(/^unix:\/\/.*core-01\/root\/var\/run\/fleet\.sock$/);
    process.kill(pid, "SIGHUP");
    await waitFor(
      async () =>
        (await journalOf("core-01", "fleet.service")).some((l) => l.includes("fleetd: reloaded")),
      { what: "fleetd reloaded" },
    );
    // Same process, still a machine of the cluster, still answering on its socket.
    expect(await pidOf("core-01", "fleet.service")).toBe(pid);
    expect(
      (await fleetctlOn("core-01", "list-machines", "--no-legend")).stdout.split("\n"),
    ).toHaveLength(4);
  });

  it("keeps units running when the etcd leader's etcd is killed, and answers after the election", async () => {
    const unit = "steady.service";
    unitFile(unit, "[Service]\nExecStart=/bin/sleep 1000\n");
    expect((await fleetctlOn("core-02", "start", join(dir, unit))).code).toBe(0);
    const machine = (await launchedOn(unit)) as string;
    const unitPid = await pidOf(machine, unit);
    expect(unitPid).toBeGreaterThan(0);
    // Which member leads: ask each member, as etcdctl endpoint status does.
    let leaderIndex = -1;
    for (const [i, address] of ADDRESSES.entries()) {
      const status = await memberStatus(`http://${address}:2379`);
      if ("value" in status && status.value.leader === status.value.memberId) leaderIndex = i;
    }
    expect(leaderIndex).toBeGreaterThanOrEqual(0);
    const etcdPid = await pidOf(NAMES[leaderIndex] as string, "etcd2.service");
    expect(etcdPid).toBeGreaterThan(0);
    process.kill(etcdPid as number, "SIGKILL");

    const answered = await waitFor(
      async () => {
        const r = await fleetctlOn(
          "core-02",
          "list-units",
          "--no-legend",
          "--fields",
          "unit,active",
        );
        if (r.code === 0 && r.stdout.includes(`${unit}\tactive`)) return r;
        throw new Error(`exit ${r.code}: ${r.stdout}${r.stderr}`);
      },
      { what: "fleetctl answering after the election", timeoutMs: 30_000 },
    );
    expect(answered.stdout).toContain(`${unit}\tactive`);
    // Same process: the unit was never stopped or moved.
    expect(await launchedOn(unit)).toBe(machine);
    expect(await pidOf(machine, unit)).toBe(unitPid);
    // The machine's init restarts its etcd (Restart=always); wait for the member to rejoin,
    // so the next tests lose a machine of a whole cluster.
    const killed = `http://${ADDRESSES[leaderIndex]}:2379/health`;
    await waitFor(
      async () => ((await (await fetch(killed)).json()) as { health: string }).health === "true",
      { what: "the killed member healthy again", timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await fleetctlOn("core-02", "destroy", unit)).code).toBe(0);
  });

  it("a SIGKILLed fleetd's units move, and the restarted fleetd unloads what left its machine", async () => {
    const unit = "orphan.service";
    unitFile(unit, "[Service]\nExecStart=/bin/sleep 1000\n");
    expect((await fleetctlOn("core-02", "start", join(dir, unit))).code).toBe(0);
    const from = (await launchedOn(unit)) as string;
    const fleetdPid = (await pidOf(from, "fleet.service")) as number;
    process.kill(fleetdPid, "SIGKILL");
    const to = await waitFor(
      async () => {
        const m = await launchedOn(unit);
        return m !== undefined && m !== from && m;
      },
      { what: `${unit} launched off ${from}`, timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(NAMES).toContain(to);
    // The init restarts fleet.service (RestartSec=10s); the new fleetd finds the unit its
    // predecessor loaded, sees it scheduled elsewhere, and stops it: it never runs twice.
    await waitFor(async () => (await pidOf(from, unit)) === undefined, {
      what: `${unit} stopped on ${from}`,
      timeoutMs: 40_000,
      intervalMs: 200,
    });
    expect(await pidOf(from, "fleet.service")).not.toBe(fleetdPid);
    expect(await launchedOn(unit)).toBe(to);
    expect((await fleetctlOn(to, "destroy", unit)).code).toBe(0);
    await waitFor(async () => (await registry.machines()).length === 3, {
      what: `${from} back in fleet`,
    });
  });

  it("moves the units of a machine whose agent is killed (SIGKILL) to a live machine", async () => {
    unitFile("survivor.service", "[Service]\nExecStart=/bin/sleep 1000\n");
    expect(await fleetctlOn("core-02", "start", join(dir, "survivor.service"))).toMatchObject({
      code: 0,
      stderr: "",
    });
    const from = (await launchedOn("survivor.service")) as string;
    const live = (await registry.machines()).map((m) => m.hostname);
    const pid = Number(readFileSync(join(dir, ".shoal", "machines", from, "agent.pid"), "utf8"));
    process.kill(pid, "SIGKILL");
    const to = await waitFor(
      async () => {
        const m = await launchedOn("survivor.service");
        return m !== undefined && m !== from && m;
      },
      {
        what: "survivor.service launched off the killed machine",
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    expect(live).toContain(to);
    // The killed machine's key expired: only live machines are listed.
    expect((await registry.machines()).map((m) => m.hostname)).not.toContain(from);
    expect((await fleetctlOn(to, "destroy", "survivor")).code).toBe(0);
    // Boot it again, so the next test loses a machine of a whole cluster.
    expect((await cli(["up", from])).code).toBe(0);
    await waitFor(async () => (await registry.machines()).length === 3, {
      what: `${from} back in fleet`,
      timeoutMs: 60_000,
    });
  });

  it("moves a unit off a halted machine, whose key goes with the halt", async () => {
    const unit = "mover.service";
    unitFile(unit, "[Service]\nExecStart=/bin/sleep 1000\n");
    expect((await fleetctlOn("core-02", "start", join(dir, unit))).code).toBe(0);
    const from = (await launchedOn(unit)) as string;
    const halted = await cli(["halt", from]);
    expect(halted.code).toBe(0);
    // fleetd's purge on SIGTERM revoked its lease: the machine is gone at once, not after agent_ttl.
    expect((await registry.machines()).map((m) => m.hostname)).not.toContain(from);
    const to = await waitFor(
      async () => {
        const m = await launchedOn(unit);
        return m !== undefined && m !== from && m;
      },
      { what: `${unit} launched off ${from}`, timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(NAMES).toContain(to);
  });
});
