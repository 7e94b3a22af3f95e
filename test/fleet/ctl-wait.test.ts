/**
 * fleetctl's waits on a virtual clock: the registry is a real etcd with a
 * real engine placing units; the test plays the agent's part (unit states
 * and the launched heartbeat), and the clock says how long fleetctl waited.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EtcdClient } from "../../src/etcd/index.js";
import { RegistryApi } from "../../src/fleet/client.js";
import type { Clock } from "../../src/fleet/clock.js";
import { FLEETCTL_TIMING } from "../../src/fleet/ctl-wait.js";
import { Engine, FleetCtl, type Registry } from "../../src/fleet/index.js";
import { EtcdGroup, waitFor } from "../e2e/harness/index.js";
import { client, freshRegistry, publishMachine } from "./helpers.js";

// The etcd of this file lives on 127.21.4.1.
const etcd = new EtcdGroup();
let etcdClient: EtcdClient;
const owned: Array<() => unknown> = [];

beforeAll(async () => {
  const [member] = await etcd.startCluster(["fleet-wait"], () => "127.21.4.1");
  etcdClient = client([(member as { clientUrl: string }).clientUrl]);
});
afterAll(async () => {
  etcdClient?.close();
  await etcd.cleanup();
});
afterEach(async () => {
  for (const fn of owned.splice(0).reverse()) await fn();
});

const M = "517d1c7d000000000000000000000001";

/** Time passes only when fleetctl sleeps. */
function virtualClock(): Clock & { elapsed(): number } {
  let now = 0;
  return {
    now: () => now,
    async sleep(ms) {
      now += ms;
    },
    every: () => () => {},
    elapsed: () => now,
  };
}

async function setup(unit: string, text: string) {
  const registry = freshRegistry(etcdClient);
  const lease = await publishMachine(registry, M);
  owned.push(() => lease.revoke());
  const engine = new Engine({ registry, machineId: M, reconcileIntervalMs: 200 });
  owned.push(() => engine.stop());
  await engine.start();
  const cwd = mkdtempSync(join(tmpdir(), "shoal-wait-"));
  owned.push(() => rmSync(cwd, { recursive: true, force: true }));
  writeFileSync(join(cwd, unit), text);
  const out: string[] = [];
  const err: string[] = [];
  const clock = virtualClock();
  /** The virtual time at which each line was printed. */
  const printedAt = new Map<string, number>();
  const ctl = new FleetCtl(new RegistryApi(registry), {
    out: (l) => {
      out.push(l);
      printedAt.set(l, clock.now());
    },
    err: (l) => err.push(l),
    cwd,
  });
  return {
    registry,
    lease,
    ctl,
    out,
    err,
    clock,
    printedAt,
    timing: { ...FLEETCTL_TIMING, clock },
    cwd,
  };
}

/** What the agent does when it runs a unit: its systemd states, and the launched heartbeat. */
async function agentReports(
  registry: Registry,
  lease: Awaited<ReturnType<typeof publishMachine>>,
  unit: string,
  active: string,
  sub: string,
) {
  await waitFor(async () => (await registry.job(unit))?.target === M, { what: `${unit} placed` });
  const hash = (await registry.job(unit))?.hash as string;
  await registry.publishState(lease, { unit, machineId: M, load: "loaded", active, sub, hash });
  await registry.setJobState(lease, unit, M);
}

describe("fleetctl waits, on a virtual clock", () => {
  it("start of a unit that never gets loaded gives up after --block-attempts attempts of 2 s", async () => {
    const { ctl, err, clock, timing } = await setup(
      "slow.service",
      "[Service]\nExecStart=/bin/true\n",
    );
    // Nobody runs the unit: its current state stays inactive.
    expect(await ctl.start(["slow.service"], { attempts: 3, timing })).toBe(1);
    expect(err).toEqual([
      "Error waiting for units: timed out waiting for unit slow.service to report state launched",
      "Error waiting for unit states, exit status: timed out waiting for unit slow.service to report state launched",
    ]);
    expect(clock.elapsed()).toBe(3 * 2000);
  });

  it("start of a oneshot that ran and exited returns after one bounded wait for active", async () => {
    const { registry, lease, ctl, out, err, clock, printedAt, timing } = await setup(
      "once.service",
      "[Service]\nType=oneshot\nExecStart=/bin/true\n",
    );
    const started = ctl.start(["once.service"], { timing });
    await agentReports(registry, lease, "once.service", "inactive", "dead");
    expect(await started).toBe(1);
    expect(out).toEqual([
      "Unit once.service inactive",
      "Unit once.service launched on 517d1c7d.../127.0.0.1",
    ]);
    const failed =
      "Failed to find an active unit once.service within 2s, err: Failed to find an active unit once.service";
    expect(err).toEqual([
      `Error waiting for units: ${failed}`,
      `Error waiting for systemd unit states, err: ${failed}`,
    ]);
    // However long the unit took to be placed, the wait for active is one attempt of 2 s.
    const launched = printedAt.get("Unit once.service launched on 517d1c7d.../127.0.0.1") as number;
    expect(clock.elapsed() - launched).toBe(2000);
  });

  it("start of a unit that runs waits until the init says active", async () => {
    const { registry, lease, ctl, out, err, timing } = await setup(
      "web.service",
      "[Service]\nExecStart=/bin/sleep 1000\n",
    );
    const started = ctl.start(["web.service"], { timing });
    await agentReports(registry, lease, "web.service", "active", "running");
    expect(await started).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      "Unit web.service inactive",
      "Unit web.service launched on 517d1c7d.../127.0.0.1",
    ]);
    // Starting again changes nothing and prints nothing.
    out.length = 0;
    expect(await ctl.start(["web.service"], { timing })).toBe(0);
    expect(out).toEqual([]);
  });

  it("--no-block does not wait, and says so as fleetctl does", async () => {
    const { ctl, out, clock, timing } = await setup(
      "nb.service",
      "[Service]\nExecStart=/bin/true\n",
    );
    expect(await ctl.start(["nb.service"], { attempts: -1, timing })).toBe(0);
    expect(out).toEqual([
      "Unit nb.service inactive",
      "Triggered unit nb.service start",
      "Triggered unit nb.service start",
    ]);
    expect(clock.elapsed()).toBe(0);
  });

  it("start of a MachineOf follower listed before its peer places both", async () => {
    const { registry, lease, ctl, err, timing, cwd } = await setup(
      "apache.service",
      "[Service]\nExecStart=/bin/sleep 1000\n",
    );
    writeFileSync(
      join(cwd, "apache-discovery.service"),
      "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineOf=apache.service\n",
    );
    // A glob lists the follower first.
    const started = ctl.start(["apache-discovery.service", "apache.service"], { timing });
    await agentReports(registry, lease, "apache.service", "active", "running");
    await agentReports(registry, lease, "apache-discovery.service", "active", "running");
    expect(await started).toBe(0);
    expect(err).toEqual([]);
  });
});
