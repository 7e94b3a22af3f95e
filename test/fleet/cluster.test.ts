/**
 * The issue's end-to-end tests: a real 3-machine cluster (`shoal up`, real
 * etcd members), fleetctl driven from core-02 as a user would, fleetd in
 * every machine's agent as its built-in fleet.service. The same scenarios run per
 * provider: process, and namespace when root (machines with their own
 * network, mounts and PID namespace), each on one cluster shared by them.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../src/cli/commands/fleetctl-support.js";
import { clusterId } from "../../src/cluster/index.js";
import { type DiscoveryServer, startDiscoveryServer } from "../../src/discovery/index.js";
import { EtcdClient, memberStatus } from "../../src/etcd/index.js";
import { currentState, Registry } from "../../src/fleet/index.js";
import { privileges } from "../../src/host/index.js";
import { connectMachine, type UnitState } from "../../src/machine/index.js";
import { teardown } from "../e2e/cluster/harness.js";
import { agentPid, waitFor } from "../e2e/harness/index.js";
import { type CliResult, runProgram, shoal } from "../helpers/cli.js";

type Provider = "process" | "namespace";

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

function fleetScenarios(provider: Provider): void {
  // Machines on subnet 172.21.61.0/24: the bridge's 172.21.61.101-103 (namespace), or the
  // same hosts on loopback, 127.21.61.101-103 (process).
  const net = provider === "process" ? "127.21.61" : "172.21.61";
  const ADDRESSES = [101, 102, 103].map((n) => `${net}.${n}`);
  const addressRe = `${net.replaceAll(".", "\\.")}\\.10[1-3]`;

  let dir = "";
  let stateDir = "";
  let env: NodeJS.ProcessEnv = {};
  let discovery: DiscoveryServer | undefined;
  let etcd: EtcdClient | undefined;
  let registry: Registry;

  const cli = (args: string[]) => shoal(args, { cwd: dir, env });
  /** A command line inside a machine, as `shoal ssh NAME -- LINE` runs it. */
  const inside = (machine: string, ...words: string[]) =>
    cli(["ssh", machine, "--", words.map(shellQuote).join(" ")]);
  /** fleetctl inside core-02, as a user logged in there (`shoal ssh core-02`) runs it. */
  const fleetctl = (...args: string[]) => inside("core-02", "fleetctl", ...args);

  const machineDir = (name: string) => join(dir, ".shoal", "machines", name);

  /**
   * A machine's own command (fleetctl, systemctl, journalctl) inside it. A
   * process machine shares the host's filesystem and PID namespace: its
   * command (machineDir/bin/NAME, first on the PATH of its shell) runs
   * without the ssh hop, to keep the suite fast. A namespace machine is entered.
   */
  const onMachine = (machine: string, command: string, ...args: string[]): Promise<CliResult> =>
    provider === "process"
      ? runProgram([join(machineDir(machine), "bin", command), ...args], { env })
      : inside(machine, command, ...args);
  const fleetctlOn = (machine: string, ...args: string[]) =>
    onMachine(machine, "fleetctl", ...args);
  const systemctlOn = (machine: string, ...args: string[]) =>
    onMachine(machine, "systemctl", ...args);

  /**
   * fleetctl for the commands that go to the unit's machine (journal,
   * status, ssh): inside core-02 on process machines; on the host, against
   * the cluster's etcd, for namespace machines, which cannot enter one another.
   */
  const fleetctlReaching = (...args: string[]): Promise<CliResult> =>
    provider === "process"
      ? fleetctlOn("core-02", ...args)
      : cli(["fleetctl", "--driver=etcd", "--endpoint", `http://${ADDRESSES[1]}:2379`, ...args]);

  /** Signals a process by the PID its machine knows it by (its own PID namespace for namespace). */
  const signal = async (machine: string, pid: number, sig: NodeJS.Signals) => {
    if (provider === "process") return process.kill(pid, sig);
    const r = await inside(machine, "kill", "-s", sig.replace(/^SIG/, ""), String(pid));
    expect(r, `kill -s ${sig} ${pid} in ${machine}`).toMatchObject({ code: 0 });
  };

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

  /** The machine other than `from` where the unit is launched, once it is. */
  function launchedOff(unit: string, from: string, timeoutMs: number): Promise<string> {
    return waitFor(
      async () => {
        const m = await launchedOn(unit);
        return m !== undefined && m !== from && m;
      },
      { what: `${unit} launched off ${from}`, timeoutMs, intervalMs: 100 },
    );
  }

  /** The process running a unit, as the machine's own agent says. */
  async function pidOf(machine: string, unit: string): Promise<number | undefined> {
    const client = await connectMachine(machineDir(machine));
    try {
      return (await client.status()).units.find((x) => x.name === unit)?.mainPid;
    } finally {
      client.close();
    }
  }

  /** A unit as the machine's own agent reports it. */
  async function stateOf(machine: string, unit: string): Promise<UnitState | undefined> {
    const client = await connectMachine(machineDir(machine));
    try {
      return (await client.status()).units.find((x) => x.name === unit);
    } finally {
      client.close();
    }
  }

  /** The agent's pid as its machine knows it (agent.pid: in its own PID namespace for namespace). */
  const agentPidIn = (machine: string) =>
    Number(readFileSync(join(machineDir(machine), "agent.pid"), "utf8"));
  /** The agent's pid on the host: the same process while it stays the same. */
  const agentPidOf = (machine: string) => agentPid(machineDir(machine));

  async function journalOf(machine: string, unit: string): Promise<string[]> {
    const client = await connectMachine(machineDir(machine));
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
    stateDir = join(dir, "state");
    env = { ...process.env, SHOAL_STATE_DIR: stateDir };
    // A namespace machine cannot reach the host's loopback: there `up` serves discovery itself,
    // on the bridge's gateway.
    if (provider === "process") {
      discovery = await startDiscoveryServer({
        listen: { host: "127.0.0.1", port: 0 },
        store: `sqlite:${join(dir, "discovery.db")}`,
      });
    }
    writeFileSync(
      join(dir, "shoal.yaml"),
      `instances: 3\nprovider: ${provider}\nuserData: ./user-data\n${discovery ? `discovery: ${discovery.url}\n` : ""}network:\n  subnet: 172.21.61.0/24\n`,
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
    if (dir) {
      const cluster = { dir, stateDir, id: clusterId(dir), env, run: cli, ok: cli };
      const left = await teardown({ ...cluster, machineDir }, { bridge: provider === "namespace" });
      expect(left, "left behind after `shoal destroy -f`").toEqual([]);
    }
    await discovery?.close();
  }, 120_000);

  it("from core-02: start a service, see it launched, read its journal, stop and destroy it", async () => {
    const hello = unitFile(
      "hello.service",
      `[Unit]\nDescription=Hello\n\n[Service]\nExecStart=/bin/sh -c "while true; do echo hello-from-fleet; sleep 0.2; done"\n`,
    );
    const started = await fleetctl("start", hello);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      new RegExp(
        `^Unit hello\\.service inactive\nUnit hello\\.service launched on [0-9a-f]{8}\\.\\.\\./${addressRe}\n$`,
      ),
    );
    const units = await fleetctl("list-units", "--no-legend");
    expect(units.stdout).toMatch(
      new RegExp(`^hello\\.service\t[0-9a-f]{8}\\.\\.\\./${addressRe}\tactive\trunning\n$`),
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
        const j = await fleetctlReaching("journal", "--lines", "3", "hello");
        return j.stdout.split("\n").filter((l) => l.includes("hello-from-fleet")).length === 3 && j;
      },
      { what: "three journal lines of hello.service", timeoutMs: 15_000 },
    );
    // journalctl's default mode, short: "Nov 30 10:46:05 core-01 hello.service[42]: ...".
    expect(journal.stdout).toMatch(
      new RegExp(
        `^[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d ${where} hello\\.service\\[\\d+\\]: hello-from-fleet$`,
        "m",
      ),
    );
    // --output goes on to the machine's journalctl, as upstream's to journalctl.
    const cat = await fleetctlReaching("journal", "--lines", "2", "--output", "cat", "hello");
    expect(cat).toMatchObject({ code: 0, stdout: "hello-from-fleet\nhello-from-fleet\n" });
    const json = await fleetctlReaching("journal", "--lines", "1", "--output", "json", "hello");
    expect(JSON.parse(json.stdout)).toMatchObject({
      _HOSTNAME: where,
      _SYSTEMD_UNIT: "hello.service",
      MESSAGE: "hello-from-fleet",
    });
    expect(await fleetctlReaching("journal", "--output", "bogus", "hello")).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "Unknown output format 'bogus'.\n",
    });
    expect((await fleetctlReaching("journal", "--output", "verbose", "hello")).code).toBe(1);

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
        `[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=ip=${ADDRESSES[2]}\n`,
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
    const ssh = await fleetctlReaching("ssh", "web@1", "echo $HOSTNAME");
    expect(ssh).toMatchObject({ code: 0, stdout: `${web1}\n` });
    expect(await fleetctlReaching("ssh", "--unit", "web@1", "echo $HOSTNAME")).toMatchObject({
      code: 0,
      stdout: `${web1}\n`,
    });
    const web1Id = (await registry.machines()).find((m) => m.hostname === web1)?.id as string;
    expect(
      await fleetctlReaching("ssh", "--machine", web1Id.slice(0, 6), "echo $HOSTNAME"),
    ).toMatchObject({ code: 0, stdout: `${web1}\n` });
    if (provider === "namespace") {
      // Inside a namespace machine, fleetctl says why it cannot go to another one.
      expect(await fleetctlOn("core-02", "ssh", "web@1", "hostname")).toMatchObject({
        code: 1,
        stdout: "",
        stderr: expect.stringContaining("namespace machines cannot enter one another"),
      });
    }
    // The old spelling of the host option still works, with a notice.
    const old = await cli(["fleetctl", "--machine", "core-03", "list-machines", "--no-legend"]);
    expect(old.code).toBe(0);
    expect(old.stderr).toBe("shoal: --machine before the command is now --on\n");
    expect(old.stdout.split("\n")).toHaveLength(4);
    const status = await fleetctlReaching("status", "web@1");
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
    // A script on core-03: a process machine's /var/run is under its root on the host's
    // filesystem; a namespace machine's is its own, reached inside the machine.
    const onHost = provider === "process";
    const socket = onHost
      ? join(machineDir("core-03"), "root", "var", "run", "fleet.sock")
      : "/var/run/fleet.sock";
    const curl = async (...args: string[]) => {
      const argv = ["curl", "-s", "--unix-socket", socket, "-w", "\n%{http_code}", ...args];
      const stdout = onHost
        ? await new Promise<string>((resolve, reject) =>
            execFile(argv[0] as string, argv.slice(1), (err, out) =>
              err ? reject(err) : resolve(out),
            ),
          )
        : (await inside("core-03", ...argv)).stdout;
      const at = stdout.lastIndexOf("\n");
      return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
    };
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

  it("fleetd says what it ignores at boot, dumps its state on systemctl kill -s USR1 and reloads on -s HUP", async () => {
    const boot = await journalOf("core-01", "fleet.service");
    expect(boot.some((l) => l.includes("fleetd: not supported, ignored: verbosity:"))).toBe(true);
    // fleetd runs inside the agent: fleet.service's MainPID is the agent's, one process a machine
    // (its pid in the machine's own PID namespace, on a namespace machine).
    expect(await pidOf("core-01", "fleet.service")).toBe(agentPidIn("core-01"));
    expect(await systemctlOn("core-01", "kill", "-s", "USR1", "fleet")).toMatchObject({
      code: 0,
      stderr: "",
    });
    const dump = await waitFor(
      async () =>
        (await journalOf("core-01", "fleet.service")).find((l) => l.includes("fleetd: state {")),
      { what: "the state dump in fleet.service's journal" },
    );
    const state = JSON.parse(dump.slice(dump.indexOf("{"))) as {
      agent: { machine: string };
      api: string[];
    };
    expect(state.api[0]).toMatch(
      provider === "process"
        ? /^unix:\/\/.*core-01\/root\/var\/run\/fleet\.sock$/
        : /^unix:\/\/\/var\/run\/fleet\.sock$/,
    );
    expect(await systemctlOn("core-01", "kill", "-s", "SIGHUP", "fleet.service")).toMatchObject({
      code: 0,
    });
    await waitFor(
      async () =>
        (await journalOf("core-01", "fleet.service")).some((l) => l.includes("fleetd: reloaded")),
      { what: "fleetd reloaded" },
    );
    // Still running, still a machine of the cluster, still answering on its socket.
    expect(await stateOf("core-01", "fleet.service")).toMatchObject({ active: "active" });
    expect(
      (await fleetctlOn("core-01", "list-machines", "--no-legend")).stdout.split("\n"),
    ).toHaveLength(4);
    // A signal that would pause a process cannot pause a task of the agent: said, nothing done.
    expect(await systemctlOn("core-01", "kill", "-s", "STOP", "fleet")).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "Failed to kill unit fleet.service: SIGSTOP would pause a process, and fleet.service runs inside the agent\n",
    });
    expect(await systemctlOn("core-01", "kill", "-s", "NOPE", "fleet")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Failed to parse signal string NOPE."),
    });
  });

  it("systemctl stop fleet purges (the machine leaves fleet at once, its units move), start brings it back", async () => {
    const unit = "stopper.service";
    unitFile(unit, "[Service]\nExecStart=/bin/sleep 1000\n");
    expect((await fleetctlOn("core-02", "start", join(dir, unit))).code).toBe(0);
    const from = (await launchedOn(unit)) as string;
    const etcdPid = await pidOf(from, "etcd2.service");
    const agent = agentPidOf(from);
    expect(await systemctlOn(from, "stop", "fleet")).toMatchObject({ code: 0, stderr: "" });
    expect(await stateOf(from, "fleet.service")).toMatchObject({ active: "inactive" });
    // The purge unloaded the unit and revoked the lease before the stop returned.
    expect(await pidOf(from, unit)).toBeUndefined();
    expect((await registry.machines()).map((m) => m.hostname)).not.toContain(from);
    const to = await launchedOff(unit, from, 20_000);
    expect(NAMES).toContain(to);
    // Nothing else in the machine stopped: the same agent, the same etcd member.
    expect(agentPidOf(from)).toBe(agent);
    expect(await pidOf(from, "etcd2.service")).toBe(etcdPid);
    const journal = await onMachine(from, "journalctl", "-u", "fleet");
    expect(journal.stdout).toContain("fleetd: shutting down, unloading local units");
    expect(journal.stdout).toContain("Stopped fleet daemon.");

    expect(await systemctlOn(from, "start", "fleet")).toMatchObject({ code: 0, stderr: "" });
    await waitFor(async () => (await registry.machines()).length === 3, {
      what: `${from} back in fleet`,
      timeoutMs: 20_000,
    });
    expect((await fleetctlOn(to, "destroy", unit)).code).toBe(0);
  });

  it("a bad fleet setting fails fleet.service alone; Restart= brings fleet back once it is fixed", async () => {
    const m = "core-03";
    // The machine's /etc/systemd/system is its layer's on the host (bound there on a
    // namespace machine), so the host writes the drop-in where the machine reads it.
    const dropIn = join(
      machineDir(m),
      "root",
      "etc",
      "systemd",
      "system",
      "fleet.service.d",
      "90-ttl.conf",
    );
    const etcdPid = await pidOf(m, "etcd2.service");
    const agent = agentPidOf(m);
    mkdirSync(dirname(dropIn), { recursive: true });
    writeFileSync(dropIn, "[Service]\nEnvironment=FLEET_AGENT_TTL=soon\n");
    try {
      expect((await systemctlOn(m, "restart", "fleet")).code).toBe(0);
      await waitFor(
        async () =>
          (await journalOf(m, "fleet.service")).some((l) =>
            l.includes("Main process exited, code=exited, status=1"),
          ),
        { what: "fleet.service failing on its setting", timeoutMs: 10_000 },
      );
      const journal = (await journalOf(m, "fleet.service")).join("\n");
      expect(journal).toMatch(/fleet\.service\[\d+\]: FLEET_AGENT_TTL: bad duration "soon"\n/);
      expect(await stateOf(m, "fleet.service")).toMatchObject({
        active: "activating",
        sub: "auto-restart",
      });
      // The rest of the machine runs on: its agent, its etcd member.
      expect(agentPidOf(m)).toBe(agent);
      expect(await pidOf(m, "etcd2.service")).toBe(etcdPid);
      expect((await cli(["status", m])).stdout).toMatch(new RegExp(`${m}\\s+running`));
    } finally {
      rmSync(dropIn, { force: true });
    }
    // The next restart (RestartSec=10s) reads the unit again, without the drop-in.
    await waitFor(async () => (await registry.machines()).length === 3, {
      what: `${m} back in fleet`,
      timeoutMs: 30_000,
    });
    expect(await stateOf(m, "fleet.service")).toMatchObject({ active: "active" });
    expect((await journalOf(m, "fleet.service")).join("\n")).toContain("Scheduled restart job");
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
    await signal(NAMES[leaderIndex] as string, etcdPid as number, "SIGKILL");

    const answered = await waitFor(
      async () => {
        const r = await fleetctlOn(
          "core-02",
          "list-units",
          "--no-legend",
          "--fields",
          "unit,active",
        );
        if (r.code === 0 && new RegExp(`^${unit}\t+active$`, "m").test(r.stdout)) return r;
        throw new Error(`exit ${r.code}: ${r.stdout}${r.stderr}`);
      },
      { what: "fleetctl answering after the election", timeoutMs: 30_000 },
    );
    expect(answered.stdout).toMatch(new RegExp(`^${unit}\t+active$`, "m"));
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

  it("a killed fleet.service's units move, and the restarted fleetd unloads what left its machine", async () => {
    const unit = "orphan.service";
    unitFile(unit, "[Service]\nExecStart=/bin/sleep 1000\n");
    expect((await fleetctlOn("core-02", "start", join(dir, unit))).code).toBe(0);
    const from = (await launchedOn(unit)) as string;
    const agent = agentPidOf(from);
    // As SIGKILL ends a fleetd process: its etcd connection drops, nothing is revoked or unloaded.
    expect(await systemctlOn(from, "kill", "-s", "KILL", "fleet")).toMatchObject({ code: 0 });
    const to = await launchedOff(unit, from, 30_000);
    expect(NAMES).toContain(to);
    // The init restarts fleet.service (RestartSec=10s); the new fleetd finds the unit its
    // predecessor loaded, sees it scheduled elsewhere, and stops it: it never runs twice.
    await waitFor(async () => (await pidOf(from, unit)) === undefined, {
      what: `${unit} stopped on ${from}`,
      timeoutMs: 40_000,
      intervalMs: 200,
    });
    expect((await journalOf(from, "fleet.service")).join("\n")).toContain(
      "Main process exited, code=killed, signal=KILL",
    );
    // Only fleet.service was killed: the machine's agent is the same process.
    expect(agentPidOf(from)).toBe(agent);
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
    // The agent's PID on the host: the machine's init (and its PID namespace) goes with it.
    process.kill(agentPidOf(from), "SIGKILL");
    const to = await launchedOff("survivor.service", from, 30_000);
    expect(live).toContain(to);
    expect((await cli(["status", from])).stdout).toMatch(new RegExp(`${from}\\s+aborted`));
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
    const to = await launchedOff(unit, from, 20_000);
    expect(NAMES).toContain(to);
  });
}

describe("fleet on a 3-machine cluster, process provider", () => {
  fleetScenarios("process");
});

// The namespace provider needs root; on this project's hosts (and in CI) the tests run as root.
describe.runIf(privileges().root)("fleet on a 3-machine cluster, namespace provider", () => {
  fleetScenarios("namespace");
});
