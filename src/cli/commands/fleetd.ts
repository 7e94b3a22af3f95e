import { rmSync } from "node:fs";
import { Command } from "commander";
import { UsageError } from "../../errors/index.js";
import {
  fleetConfigFromEnv,
  localFleetFile,
  startFleetd,
  writeLocalFleet,
} from "../../fleet/index.js";
import { connectMachine } from "../../machine/index.js";
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
      const machine = await connectMachine(machineDir);
      const { machineId, hostname } = await machine.status();
      const log = (line: string) => io.stderr.write(`${line}\n`);
      const fleetd = await startFleetd({ config, host: machine, machineId, hostname, log });
      const local = { etcdServers: config.etcdServers, etcdKeyPrefix: config.etcdKeyPrefix };
      writeLocalFleet(machineDir, local);
      log(
        `fleetd: machine ${machineId} (${hostname}) on ${config.etcdServers.join(",")}, agent_ttl ${config.agentTtlSeconds}s${config.disableEngine ? ", engine disabled" : ""}`,
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
