import { accessSync, constants, rmSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { InputError, UsageError } from "../../errors/index.js";
import { waitHealthy } from "../../etcd/index.js";
// config.js alone: fleet/index.js loads the etcd client, and is imported only once etcd is healthy.
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
      const log = (line: string) => {
        io.stderr.write(`${line}\n`);
      };
      const tlsFiles = {
        FLEET_ETCD_CAFILE: config.etcdTls.caFile,
        FLEET_ETCD_CERTFILE: config.etcdTls.certFile,
        FLEET_ETCD_KEYFILE: config.etcdTls.keyFile,
      };
      for (const [variable, file] of Object.entries(tlsFiles)) {
        if (file !== undefined && !readable(file)) {
          throw new InputError(`cannot read ${file}`, { file: "environment", key: variable });
        }
      }
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
      const recordDir = join(process.cwd(), "run", "fleet", "units");
      const start = () =>
        startFleetd({ config, host: machine, machineId, hostname, apiSocket, recordDir, log });
      let fleetd = await start();
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
      for (const note of config.ignored) log(`fleetd: not supported, ignored: ${note}`);
      // SIGHUP: stop and start every component again, units keep running (upstream's reload).
      // The settings come from the unit's environment: a changed drop-in needs a restart.
      let reloading: Promise<void> | undefined;
      const onHup = () => {
        reloading ??= (async () => {
          log("fleetd: SIGHUP: restarting the engine, the agent and the API");
          await fleetd.stop({ purge: false });
          fleetd = await start();
          log("fleetd: reloaded");
        })()
          .catch((err: Error) => log(`fleetd: reload failed: ${err.message}`))
          .finally(() => {
            reloading = undefined;
          });
      };
      // SIGUSR1: the state as JSON, one line, into the journal.
      const onUsr1 = () =>
        log(
          `fleetd: state ${JSON.stringify({
            engine: { leader: fleetd.engine?.leader ?? false, disabled: config.disableEngine },
            agent: fleetd.agent.describe(),
            api: fleetd.api,
          })}`,
        );
      process.on("SIGHUP", onHup);
      process.on("SIGUSR1", onUsr1);
      if (!interrupted.aborted) {
        await new Promise((resolve) =>
          interrupted.addEventListener("abort", resolve, { once: true }),
        );
      }
      process.off("SIGHUP", onHup);
      process.off("SIGUSR1", onUsr1);
      await reloading;
      log("fleetd: shutting down, unloading local units");
      rmSync(localFleetFile(machineDir), { force: true });
      await fleetd.stop({ purge: true });
      machine.close();
      setExit(0);
    });
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false; // missing or not ours to read: the caller names the setting
  }
}
