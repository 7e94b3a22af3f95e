/**
 * What every provider shares, on real processes and a real control socket
 * but without booting machines: how `list` reads a machine's state from the
 * host, and how `stop` (halt) asks the agent and kills what does not end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  alive,
  processId,
  providerPidFile,
  readPid,
  writePid,
} from "../../src/cluster/providers/common/pids.js";
import type { ClusterPlan, MachinePlan } from "../../src/cluster/providers/common/provider.js";
import { PROVIDERS } from "../../src/cluster/providers/index.js";
import { waitFor } from "../../src/host/index.js";
import { serveControl } from "../../src/machine/control/server.js";
import { machinePaths } from "../../src/machine/index.js";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function cluster(names: string[]): ClusterPlan {
  const dir = mkdtempSync(join(tmpdir(), "shoal-providers-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const machines: MachinePlan[] = names.map((name, i) => ({
    index: i + 1,
    name,
    dir: join(dir, ".shoal", "machines", name),
    address: `127.17.8.${101 + i}`,
    machineId: "0".repeat(32),
  }));
  return { id: "abc123", dir, subnet: "172.17.8.0/24", machines };
}

/** A stand-in for a machine's outermost process: its own process group, recorded as the provider does. */
function boot(machine: MachinePlan): ChildProcess {
  mkdirSync(machine.dir, { recursive: true });
  const child = spawn("sleep", ["600"], { detached: true, stdio: "ignore" });
  cleanups.push(() => {
    child.kill("SIGKILL");
  });
  const id = processId(child.pid as number);
  if (!id) throw new Error("sleep did not start");
  writePid(providerPidFile(machine.dir), id);
  return child;
}

/** An agent's control socket that halts as the agent does: marks the shutdown, then exits. */
async function answerHalt(machine: MachinePlan, child: ChildProcess): Promise<string[]> {
  const asked: string[] = [];
  const paths = machinePaths(machine.dir);
  const server: Server = await serveControl(paths.socket, {
    async handle(req) {
      asked.push(req.op);
      if (req.op === "halt") {
        writeFileSync(paths.shutdown, "halted\n");
        child.kill("SIGTERM");
      }
      return undefined;
    },
    async journal() {},
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return asked;
}

describe.each(PROVIDERS.map((p) => [p.name, p] as const))("the %s provider", (_name, provider) => {
  it("lists each machine's state as vagrant names it, from pid files and /proc", async () => {
    const plan = cluster(["core-01", "core-02", "core-03", "core-04"]);
    const [running, aborted, halted] = plan.machines as [MachinePlan, MachinePlan, MachinePlan];
    const child = boot(running);
    const dead = boot(aborted);
    dead.kill("SIGKILL");
    const deadId = readPid(providerPidFile(aborted.dir));
    await waitFor(() => deadId === undefined || !alive(deadId), { timeoutMs: 5_000 });
    mkdirSync(halted.dir, { recursive: true });
    writeFileSync(machinePaths(halted.dir).shutdown, "halted\n");

    expect(await provider.list(plan)).toEqual([
      { name: "core-01", state: "running", pid: child.pid },
      { name: "core-02", state: "aborted" },
      { name: "core-03", state: "poweroff" },
      { name: "core-04", state: "not created" },
    ]);
  });

  it("stops a machine through its agent when the agent answers: graceful, and the pid file goes", async () => {
    const plan = cluster(["core-01"]);
    const machine = plan.machines[0] as MachinePlan;
    const child = boot(machine);
    const id = readPid(providerPidFile(machine.dir));
    const asked = await answerHalt(machine, child);

    expect(await provider.stop(plan, machine, 5_000)).toBe("graceful");
    expect(asked.at(-1)).toBe("halt");
    expect(id && alive(id)).toBe(false);
    expect(readPid(providerPidFile(machine.dir))).toBeUndefined();
    expect((await provider.list(plan))[0]?.state).toBe("poweroff");
  });

  it("kills the machine's process group when no agent answers: forced, and nothing is left", async () => {
    const plan = cluster(["core-01"]);
    const machine = plan.machines[0] as MachinePlan;
    const child = boot(machine);
    const id = readPid(providerPidFile(machine.dir));
    const exit = new Promise((resolve) => child.once("exit", (_code, sig) => resolve(sig)));

    expect(await provider.stop(plan, machine, 5_000)).toBe("forced");
    expect(id && alive(id)).toBe(false);
    expect(await exit).toBe("SIGKILL");
    expect(readPid(providerPidFile(machine.dir))).toBeUndefined();
  });

  it("stopping a machine that already ended only clears its stale pid file", async () => {
    const plan = cluster(["core-01"]);
    const machine = plan.machines[0] as MachinePlan;
    const child = boot(machine);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect((await provider.list(plan))[0]?.state).toBe("aborted");

    expect(await provider.stop(plan, machine, 0)).toBe("graceful");
    expect(readPid(providerPidFile(machine.dir))).toBeUndefined();
    expect((await provider.list(plan))[0]?.state).toBe("poweroff");
  });
});
