import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EtcdClient, members } from "../../src/etcd/index.js";
import { Registry } from "../../src/fleet/index.js";
import { machinePaths, type UnitState } from "../../src/machine/index.js";
import { fixture, journalOf, Machines, meta, waitFor } from "./harness.js";

const machines = new Machines();
const clients: EtcdClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await machines.cleanup();
});

const unit = (units: UnitState[], name: string) => units.find((u) => u.name === name);

const USER_UNITS = `#cloud-config
write_files:
  - path: /etc/app.env
    content: |
      FROMFILE="from the file"
coreos:
  units:
    - name: prep.service
      content: |
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo prepared > prepared'
    - name: app.service
      command: start
      content: |
        [Unit]
        Description=The app
        Requires=prep.service
        After=prep.service
        Wants=network-online.target
        After=network-online.target
        [Service]
        Environment=GREETING=hello
        EnvironmentFile=/etc/app.env
        EnvironmentFile=-/etc/missing.env
        ExecStartPre=/bin/test -f prepared
        ExecStartPre=-/bin/false
        ExecStart=/bin/sh -c 'echo start $GREETING $FROMFILE $EXTRA %H; exec sleep 1000'
        ExecStop=/bin/sh -c 'echo stopped $MAINPID > stopped'
      drop-ins:
        - name: 10-extra.conf
          content: |
            [Service]
            Environment=EXTRA=dropin
    - name: flaky.service
      command: start
      content: |
        [Service]
        Restart=on-failure
        RestartSec=50ms
        ExecStart=/bin/sh -c 'echo run >> runs; [ $(wc -l < runs) -ge 3 ] && exec sleep 1000; exit 1'
    - name: masked.service
      mask: true
      command: start
    - name: rt.service
      runtime: true
      command: start
      content: |
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo oneshot ran'
    - name: later.service
      enable: true
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
        [Install]
        WantedBy=multi-user.target
    - name: docker.service
      command: start
      content: |
        [Service]
        ExecStart=/usr/bin/docker daemon
    - name: one.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
    - name: two.service
      command: start
      content: |
        [Unit]
        Conflicts=one.service
        [Service]
        ExecStart=/bin/sleep 1000
    - name: needs-docker.service
      command: start
      content: |
        [Unit]
        Requires=docker.service
        After=docker.service
        [Service]
        ExecStart=/bin/sleep 1000
`;

describe("user units from cloud-config", () => {
  it("runs them as systemd would: dependencies, environment, drop-ins, restart, mask, runtime, enable", async () => {
    const m = await machines.boot({ userData: USER_UNITS, meta: meta(210) });
    const root = machinePaths(m.dir).root;
    let units = (await m.status()).units;
    expect(unit(units, "prep.service")).toMatchObject({ active: "active", sub: "exited" });
    expect(unit(units, "app.service")).toMatchObject({
      active: "active",
      sub: "running",
      description: "The app",
    });
    expect(journalOf(m.dir, "app.service")).toMatch(
      /app\.service\[\d+\]: start hello from the file dropin core-210\n/,
    );
    expect(readFileSync(join(root, "prepared"), "utf8")).toBe("prepared\n");

    // Restart=on-failure: two failures, then it stays up.
    await waitFor(
      "flaky to run a third time",
      () => readFileSync(join(root, "runs"), "utf8") === "run\nrun\nrun\n",
    );
    await waitFor(
      "flaky to stay up",
      async () => unit((await m.status()).units, "flaky.service")?.sub === "running",
    );
    expect(journalOf(m.dir, "flaky.service")).toContain(
      "Main process exited, code=exited, status=1",
    );

    units = (await m.status()).units;
    expect(unit(units, "masked.service")).toMatchObject({ load: "masked", active: "inactive" });
    expect(unit(units, "network-online.target")).toMatchObject({
      load: "loaded",
      active: "active",
    });
    expect(unit(units, "multi-user.target")).toMatchObject({ active: "active" });
    expect(unit(units, "one.service")).toMatchObject({ active: "inactive" }); // two conflicts with it
    expect(unit(units, "two.service")).toMatchObject({ active: "active" });
    expect(existsSync(join(root, "run/systemd/system/rt.service"))).toBe(true);
    expect(unit(units, "rt.service")).toMatchObject({ active: "inactive", sub: "dead" });
    expect(journalOf(m.dir, "rt.service")).toContain("oneshot ran");
    expect(unit(units, "later.service")).toMatchObject({ active: "inactive" }); // enabled, not started
    expect(unit(units, "docker.service")).toMatchObject({
      active: "failed",
      reason: "program /usr/bin/docker not found on this machine",
    });
    expect(unit(units, "needs-docker.service")).toMatchObject({
      active: "failed",
      reason: expect.stringContaining("dependency docker.service failed"),
    });

    // stop runs ExecStop with $MAINPID; start brings it back.
    const pid = unit(units, "app.service")?.mainPid;
    await m.client.stop("app.service");
    expect(readFileSync(join(root, "stopped"), "utf8")).toBe(`stopped ${pid}\n`);
    expect(unit((await m.status()).units, "app.service")).toMatchObject({
      active: "inactive",
      sub: "dead",
    });
    await m.client.restart("app.service");
    expect(unit((await m.status()).units, "app.service")?.mainPid).not.toBe(pid);

    // install + start + remove, as fleet uses them.
    await m.client.install(
      "hello.service",
      "[Service]\nType=oneshot\nExecStart=/bin/echo hello from fleet\n",
    );
    await m.client.start("hello.service");
    const lines: string[] = [];
    for await (const l of m.client.journal("hello.service", { lines: 5 })) lines.push(l);
    expect(lines.some((l) => l.endsWith(": hello from fleet"))).toBe(true);
    await m.client.remove("hello.service");
    expect(existsSync(join(root, "etc/systemd/system/hello.service"))).toBe(false);
    expect(unit((await m.status()).units, "hello.service")).toBeUndefined();

    // Reboot: runtime files are gone and re-applied, enabled units start at boot.
    await m.client.halt();
    await m.exited;
    const again = await machines.boot({ userData: USER_UNITS, meta: meta(210) }, { dir: m.dir });
    units = (await again.status()).units;
    expect(unit(units, "later.service")).toMatchObject({ active: "active", sub: "running" });
    expect(unit(units, "app.service")).toMatchObject({ active: "active" });
  });

  it("follows a journal and re-provisions changed user-data", async () => {
    const m = await machines.boot({ userData: "#cloud-config\n", meta: meta(211) });
    await m.client.install(
      "ticker.service",
      "[Service]\nExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'\n",
      { runtime: true },
    );
    await m.client.start("ticker.service");
    const seen: string[] = [];
    for await (const line of m.client.journal("ticker.service", { lines: 1, follow: true })) {
      seen.push(line);
      if (seen.length === 4) break;
    }
    const ticks = seen.map((l) => Number(/tick (\d+)$/.exec(l)?.[1])).filter(Boolean);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));

    const changed = `#cloud-config
hostname: renamed
coreos:
  units:
    - name: added.service
      command: start
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
`;
    const { writeConfigDrive } = await import("../../src/machine/index.js");
    writeConfigDrive(m.dir, { userData: changed, meta: meta(211) });
    await m.client.reprovision();
    expect(unit((await m.status()).units, "added.service")).toMatchObject({ active: "active" });
    expect(readFileSync(join(machinePaths(m.dir).root, "etc/hostname"), "utf8")).toBe("renamed\n");
  });
});

describe("other user-data", () => {
  it("runs a #! script as a transient unit, with the machine's addresses substituted", async () => {
    const m = await machines.boot({
      userData: "#!/bin/sh\necho hello from $private_ipv4 > greeting\n",
      meta: meta(215),
    });
    const root = machinePaths(m.dir).root;
    await waitFor("the script to run", () => existsSync(join(root, "greeting")));
    expect(readFileSync(join(root, "greeting"), "utf8")).toBe("hello from 127.17.8.215\n");
    const name = readFileSync(join(root, "var/lib/coreos-cloudinit/scripts/unit-name"), "utf8");
    expect(name).toMatch(/^coreos-cloudinit-[0-9a-f]+\.service$/);
    expect(unit((await m.status()).units, name)).toMatchObject({ load: "loaded" });
  });

  it("fails the boot on unrecognized user-data, and says why", async () => {
    const m = await machines.boot(
      { userData: "hostname: a\n", meta: meta(216) },
      { boot: "failed" },
    );
    const status = await m.status();
    expect(status).toMatchObject({ boot: "failed", reason: "Unrecognized user-data format" });
    // Its shell still has the machine's commands.
    expect(existsSync(join(machinePaths(m.dir).bin, "systemctl"))).toBe(true);
    expect(readFileSync(machinePaths(m.dir).console, "utf8")).toContain(
      "boot failed: Unrecognized user-data format",
    );
  });
});

describe("built-in etcd units", () => {
  it("runs etcd 3.4 for the old etcd section of user-data-2014.sample (addr/peer-addr)", async () => {
    const m = await machines.boot({ userData: fixture("user-data-2014.sample"), meta: meta(212) });
    expect(unit((await m.status()).units, "etcd.service")).toMatchObject({
      active: "active",
      sub: "running",
    });
    const health = await waitFor("etcd on 4001", async () =>
      (await fetch("http://127.17.8.212:4001/health")).json(),
    );
    expect(health).toEqual({ health: "true" });
    expect(await members("http://127.17.8.212:4001")).toEqual({
      value: [
        expect.objectContaining({
          name: meta(212).machineId,
          peerURLs: ["http://127.17.8.212:7001"],
          clientURLs: ["http://127.17.8.212:4001"],
        }),
      ],
    });
    expect(journalOf(m.dir, "etcd.service")).not.toMatch(/unrecognized environment variable/);
  });

  it("runs etcd grpc-proxy on a machine beyond etcdSize, so etcdctl works there too", async () => {
    const member = await machines.boot({ userData: fixture("user-data.sample"), meta: meta(213) });
    const proxy = await machines.boot({
      userData: fixture("user-data.sample"),
      meta: meta(214),
      etcd: { role: "proxy", endpoints: ["http://127.17.8.213:2379"] },
    });
    expect(unit((await proxy.status()).units, "etcd2.service")).toMatchObject({ active: "active" });
    expect(journalOf(proxy.dir, "etcd2.service")).toContain(
      "running etcd grpc-proxy to http://127.17.8.213:2379",
    );
    // etcdctl speaks gRPC, which the proxy forwards.
    const etcdctl = (...args: string[]) =>
      promisify(execFile)(
        "/usr/bin/etcdctl",
        ["--endpoints", "http://127.17.8.214:2379", ...args],
        {
          env: { ...process.env, ETCDCTL_API: "3" },
        },
      );
    await waitFor("a put through the proxy", () =>
      etcdctl("put", "k", "through the proxy").then(() => true),
    );
    const viaMember = new EtcdClient({ endpoints: ["http://127.17.8.213:2379"] });
    clients.push(viaMember);
    expect((await viaMember.get("k"))?.value).toBe("through the proxy");
    // The proxy lists itself as the member, by a URL a client can dial (a bare HOST:PORT
    // stopped every client that follows the member list).
    const { stdout } = await etcdctl("member", "list", "-w", "json");
    const listed = (JSON.parse(stdout) as { members: { clientURLs: string[] }[] }).members;
    expect(listed.flatMap((m) => m.clientURLs)).toEqual(["http://127.17.8.214:2379"]);
    expect(existsSync(join(machinePaths(proxy.dir).root, "var/lib/etcd2"))).toBe(false);
    expect(readFileSync(join(machinePaths(proxy.dir).bin, "etcdctl"), "utf8")).toContain(
      "http://127.17.8.214:2379",
    );
    // fleet there speaks etcd's JSON gateway, which the proxy lacks: it goes on to the member.
    const registry = new Registry(viaMember);
    await waitFor("the proxy machine's fleetd in the registry", async () =>
      (await registry.machines()).some((m) => m.id === meta(214).machineId),
    );
    void member;
  });
});
