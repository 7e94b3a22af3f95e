import { rmSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { UsageError } from "../../errors/index.js";
import { waitHealthy } from "../../etcd/index.js";
// config.js alone: fleet/index.js loads etcd3, and is imported only once etcd is healthy.
import { fleetConfigFromEnv } from "../../fleet/config.js";
import type { IO } from "../io.js";

/**
 * `shoal fleetd`: fleet's daemon (engine and agent) inside a machine, as
 * its built-in fleet.service runs it. Configured from FLEET_* variables
 * (cloud-config `coreos.fleet`); runs units through the machine's agent.
 */
export function fleetdCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("fleetd")
    .description("run fleet's engine and agent for this machine (fleet.service runs it)")
    .option("--machine-dir <dir>", "the machine to run units on (env SHOAL_MACHINE_DIR)")
    .action(async (flags: { machineDir?: string }) => {
      const config = fleetConfigFromEnv(io.env);
      const machineDir = flags.machineDir ?? io.env.SHOAL_MACHINE_DIR;
      if (!machineDir) {
        throw new UsageError(
          "fleetd runs inside a machine: give --machine-dir or SHOAL_MACHINE_DIR",
        );
      }
      const interrupted = io.interrupts();
      const log = (line: string) => io.stderr.write(`${line}\n`);
      // fleet has nothing to do before etcd has a leader, and loading its gRPC client costs
      // a second of CPU: while a cluster forms, that CPU is etcd's. So wait on plain HTTP first.
      log(`fleetd: waiting for etcd at ${config.etcdServers.join(",")}`);
      if (!(await waitHealthy(config.etcdServers, interrupted))) {
        setExit(0);
        return;
      }
      // The rest of a forming cluster (other members, their agents) comes first: load and
      // connect at the lowest CPU priority, then return to normal where allowed (root).
      const priority = getPriority();
      setPriority(19);
      const [{ localFleetFile, startFleetd, writeLocalFleet }, { connectMachine }] =
        await Promise.all([import("../../fleet/index.js"), import("../../machine/index.js")]);
      const machine = await connectMachine(machineDir);
      const { machineId, hostname } = await machine.status();
      // The init starts fleet.service in the machine's root: its /var/run/fleet.sock is here.
      const apiSocket = join(process.cwd(), "var", "run", "fleet.sock");
      const fleetd = await startFleetd({
        config,
        host: machine,
        machineId,
        hostname,
        apiSocket,
        log,
      });
      try {
        setPriority(priority);
      } catch {
        // not root: a lower priority cannot be undone, and fleetd is mostly idle anyway
      }
      const local = {
        etcdServers: config.etcdServers,
        etcdKeyPrefix: config.etcdKeyPrefix,
        apiSocket,
      };
      writeLocalFleet(machineDir, local);
      log(
        `fleetd: machine ${machineId} (${hostname}) on ${config.etcdServers.join(",")}, agent_ttl ${config.agentTtlSeconds}s${config.disableEngine ? ", engine disabled" : ""}; API on ${fleetd.api.join(", ")}`,
      );
      if (!interrupted.aborted) {
        await new Promise((resolve) =>
          interrupted.addEventListener("abort", resolve, { once: true }),
        );
      }
      log("fleetd: shutting down, unloading local units");
      rmSync(localFleetFile(machineDir), { force: true });
      await fleetd.stop({ purge: true });
      machine.close();
      setExit(0);
    });
}
