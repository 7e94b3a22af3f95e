import { execFile } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EtcdClient } from "../../src/etcd/index.js";
import { machinePaths, type UnitState, writeConfigDrive } from "../../src/machine/index.js";
import { shoal } from "../helpers/cli.js";
import { alive, fixture, journalOf, Machines, machineProcesses, meta, waitFor } from "./harness.js";

const machines = new Machines();
const clients: EtcdClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await machines.cleanup();
});

function etcd(url: string): EtcdClient {
  const c = new EtcdClient({ endpoints: [url], requestTimeoutMs: 2000 });
  clients.push(c);
  return c;
}

/** Runs a command the machine's shell has (its bin/ directory). */
async function inMachine(dir: string, argv: string[]) {
  const [cmd = "", ...args] = argv;
  try {
    const { stdout, stderr } = await promisify(execFile)(join(machinePaths(dir).bin, cmd), args);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function rawRequest(dir: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(machinePaths(dir).socket);
    let out = "";
    s.on("data", (d) => {
      out += d;
    });
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.write(`${line}\n`);
  });
}

const unit = (units: UnitState[], name: string) => units.find((u) => u.name === name);

describe("shoal machine boot (process provider layout)", () => {
  it("boots the coreos-vagrant sample: a real etcd member answers, missing programs fail without stopping the boot, halt is clean", async () => {
    const m = await machines.boot({ userData: fixture("user-data.sample"), meta: meta(201) });
    const root = machinePaths(m.dir).root;
    const status = await m.status();
    expect(status.boot).toBe("running");
    expect(unit(status.units, "etcd2.service")).toMatchObject({
      load: "loaded",
      active: "active",
      sub: "running",
    });
    // fleet.service runs fleetd inside the agent (issue 14).
    expect(unit(status.units, "fleet.service")).toMatchObject({ active: "active" });
    // etcd2.service is Type=notify and fleet.service comes After= it: fleet starts once etcd is ready.
    const at = (text: string, what: RegExp) =>
      text
        .split("\n")
        .find((l) => what.test(l))
        ?.slice(0, 24);
    // The agent writes its journal behind its event loop (which now loads fleet): wait for the lines.
    const ready = await waitFor("etcd's ready line in its journal", () =>
      at(journalOf(m.dir, "etcd2.service"), /ready to serve client requests/),
    );
    // fleet.service is active once its task runs; fleetd's first line comes a moment later.
    const fleetFirst = await waitFor("fleet.service's first journal line", () =>
      at(journalOf(m.dir, "fleet.service"), /./),
    );
    expect(fleetFirst >= ready, `fleet's first line at ${fleetFirst}, etcd ready at ${ready}`).toBe(
      true,
    );
    expect(unit(status.units, "flanneld.service")).toMatchObject({
      load: "not-found",
      active: "failed",
      reason: expect.stringContaining("flanneld.service not found"),
    });
    expect(unit(status.units, "docker-tcp.socket")).toMatchObject({
      active: "failed",
      reason: expect.stringContaining("docker.service"),
    });

    // etcd is the real thing, on the machine's own address, both client ports of the sample.
    const client = etcd("http://127.17.8.201:2379");
    await waitFor("etcd to accept a put", () => client.put("greeting", "hello").then(() => true));
    expect((await client.get("greeting"))?.value).toBe("hello");
    const health = await waitFor("legacy port 4001", async () =>
      (await fetch("http://127.17.8.201:4001/health")).json(),
    );
    expect(health).toEqual({ health: "true" });

    // The plan landed in the machine's root.
    expect(readFileSync(join(root, "etc/hostname"), "utf8")).toBe("core-201\n");
    expect(readFileSync(join(root, "etc/coreos/update.conf"), "utf8")).toBe("GROUP=stable\n");
    // The release comes from the slot the boot runs (USR-A, the base release); /etc links it, as on CoreOS.
    expect(readlinkSync(join(root, "etc/os-release"))).toBe("../usr/lib/os-release");
    expect(readFileSync(join(root, "etc/os-release"), "utf8")).toMatch(
      /^VERSION_ID=\d+\.\d+\.\d+$/m,
    );
    expect(readFileSync(join(root, "usr/share/coreos/release"), "utf8")).toMatch(
      /^COREOS_RELEASE_VERSION=\d+\.\d+\.\d+$/m,
    );
    expect(readFileSync(join(root, "etc/environment"), "utf8")).toContain(
      "COREOS_PRIVATE_IPV4=127.17.8.201\n",
    );
    expect(
      readFileSync(join(root, "run/systemd/system/etcd2.service.d/20-cloudinit.conf"), "utf8"),
    ).toContain('Environment="ETCD_ADVERTISE_CLIENT_URLS=http://127.17.8.201:2379"\n');
    expect(statSync(join(root, "etc/systemd/system/docker-tcp.socket")).mode & 0o777).toBe(0o644);
    expect(
      readlinkSync(join(root, "etc/systemd/system/sockets.target.wants/docker-tcp.socket")),
    ).toBe(join(root, "etc/systemd/system/docker-tcp.socket"));
    expect(existsSync(join(root, "var/lib/etcd2/member"))).toBe(true);

    // The machine's own commands.
    expect(
      (await inMachine(m.dir, ["etcdctl", "get", "greeting", "--print-value-only"])).stdout,
    ).toBe("hello\n");
    const st = await inMachine(m.dir, ["systemctl", "status", "etcd2", "--no-pager", "-l"]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(
      /^● etcd2\.service - etcd2\n {5}Loaded: loaded\n {5}Active: active \(running\)/,
    );
    const fleet = await inMachine(m.dir, ["systemctl", "status", "fleet.service"]);
    expect(fleet.code).toBe(0);
    expect(fleet.stdout).toMatch(/Active: active \(running\)/);
    expect((await inMachine(m.dir, ["systemctl", "status", "nope"])).code).toBe(4);
    const units = await inMachine(m.dir, ["systemctl", "--no-pager"]); // list-units by default
    expect(units.stdout).toMatch(/^etcd2\.service\s+loaded\s+active\s+running/m);
    // locksmithd runs in the agent, waiting for update-engine to need a reboot.
    expect(units.stdout).toMatch(/^locksmithd\.service\s+loaded\s+active\s+running/m);
    await waitFor("locksmithd to read update-engine's status", async () =>
      (await inMachine(m.dir, ["journalctl", "-u", "locksmithd"])).stdout.includes(
        'locksmithd starting currentOperation="UPDATE_STATUS_IDLE" strategy="etcd-lock"',
      ),
    );
    const j = await inMachine(m.dir, ["journalctl", "-u", "etcd2", "-n", "2"]);
    expect(j.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(j.stdout).toMatch(/^\S+Z core-201 etcd2\.service\[\d+\]: /);

    // Malformed control requests get an error and the agent carries on.
    expect(JSON.parse(await rawRequest(m.dir, "garbage"))).toEqual({
      ok: false,
      error: "bad request: not JSON",
    });
    expect(
      JSON.parse(await rawRequest(m.dir, '{"op":"start","unit":"../../etc/passwd"}')),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('field "unit"'),
    });
    expect(
      JSON.parse(await rawRequest(m.dir, '{"op":"journal","unit":"a.service","lines":-1}')),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('field "lines"'),
    });
    await expect(m.client.start("docker.service")).rejects.toThrow(/docker\.service not found/);

    // halt: units stop (etcd says so), the agent exits 0 and leaves the marker.
    const pids = (await m.status()).pids;
    expect(pids.length).toBeGreaterThan(0);
    await m.client.halt();
    expect(await m.exited).toBe(0);
    expect(existsSync(machinePaths(m.dir).shutdown)).toBe(true);
    expect(existsSync(machinePaths(m.dir).socket)).toBe(false);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(machineProcesses(m.dir)).toEqual([]);
    expect(journalOf(m.dir, "etcd2.service")).toMatch(/Stopped etcd2\.\n$/);
  });

  it("takes every unit down with it when the agent is SIGKILLed", async () => {
    const userData = `#cloud-config
coreos:
  etcd2:
    advertise-client-urls: http://$public_ipv4:2379
    listen-client-urls: http://$private_ipv4:2379
  units:
    - name: etcd2.service
      command: start
    - name: sleeper.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
    - name: forker.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sh -c 'sleep 1000 & sleep 1000 & wait'
`;
    const m = await machines.boot({ userData, meta: meta(202) });
    const status = await m.status();
    expect(unit(status.units, "sleeper.service")).toMatchObject({ active: "active" });
    expect(status.pids).toHaveLength(3);
    // etcd, sleep, and the forker's sh with the two sleeps it forked.
    const all: number[] = await waitFor("the forker's children", () => {
      const pids = machineProcesses(m.dir);
      return pids.length === 5 ? pids : undefined;
    });
    for (const pid of status.pids) expect(all).toContain(pid);
    m.agent.kill("SIGKILL");
    await m.exited;
    await waitFor("every unit process to die", () => all.every((p) => !alive(p)), 5000);
    expect(machineProcesses(m.dir)).toEqual([]);
    expect(existsSync(machinePaths(m.dir).shutdown)).toBe(false); // aborted, not powered off
  });

  it("halts on SIGTERM: ExecStop runs, units stop in reverse order", async () => {
    const userData = `#cloud-config
coreos:
  units:
    - name: first.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
        ExecStop=/bin/sh -c 'echo first >> stops'
    - name: forker.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sh -c 'sleep 1000 & sleep 1000 & wait'
    - name: second.service
      command: start
      content: |
        [Unit]
        After=first.service
        [Service]
        ExecStart=/bin/sh -c 'trap "" TERM; while :; do sleep 0.05; done'
        ExecStop=/bin/sh -c 'echo second $MAINPID >> stops'
        TimeoutStopSec=300ms
`;
    const m = await machines.boot({ userData, meta: meta(203) });
    const { pids } = await m.status();
    const second = unit((await m.status()).units, "second.service");
    m.agent.kill("SIGTERM");
    expect(await m.exited).toBe(0);
    // second ignores SIGTERM: it is killed after its grace period.
    expect(readFileSync(join(machinePaths(m.dir).root, "stops"), "utf8")).toBe(
      `second ${second?.mainPid}\nfirst\n`,
    );
    expect(journalOf(m.dir, "second.service")).toContain(
      "State 'stop-sigterm' timed out. Killing.",
    );
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(machineProcesses(m.dir)).toEqual([]); // the forker's children too
    expect(existsSync(machinePaths(m.dir).shutdown)).toBe(true);
  });
});

describe("shoal machine: bad usage", () => {
  const env = { ...process.env, SHOAL_MACHINE_DIR: "" };
  it("needs a machine directory", async () => {
    const r = await shoal(["machine", "systemctl", "status", "etcd2"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no machine: give --dir or set SHOAL_MACHINE_DIR");
  });

  it("refuses to boot without a config drive, naming the file", async () => {
    const r = await shoal(["machine", "boot", "--dir", "/nonexistent/machine"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^shoal: \/nonexistent\/machine\/config-drive\/openstack\/latest\/meta_data\.json: cannot read the config drive/,
    );
  });

  it("refuses --root / outside the machine's own namespaces, writing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shoal-machine-"));
    try {
      writeConfigDrive(dir, { userData: "#cloud-config\n", meta: meta(249) });
      const r = await shoal(["machine", "boot", "--dir", dir, "--root", "/"], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("refusing to boot with --root /: this is not machine core-249");
      expect(readdirSync(dir)).toEqual(["config-drive"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says when no agent runs there", async () => {
    const r = await shoal(["machine", "systemctl", "list-units", "--dir", "/nonexistent/machine"], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot reach the machine agent at /nonexistent/machine/agent.sock");
  });

  it("checks journalctl -n", async () => {
    const r = await shoal(["machine", "journalctl", "-u", "etcd2", "-n", "ten", "--dir", "/x"], {
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-n: bad value "ten"');
  });
});
