import { basename } from "node:path";
import { type Command, Option } from "commander";
import { readState, ssh } from "../../cluster/index.js";
import type { FleetApi, FleetCtl } from "../../fleet/index.js";
import type { IO } from "../io.js";
import {
  clusterDir,
  type IntFlag,
  journalCommand,
  machineName,
  shellQuote,
} from "./fleetctl-support.js";

interface JournalFlags {
  lines: string;
  follow?: boolean;
  f?: boolean;
  output: string;
}

type WithApi = <T>(fn: (ctl: FleetCtl, api: FleetApi) => Promise<T>) => Promise<T>;

/** status, journal and ssh: they run on the unit's machine, as upstream does over SSH. */
export function remoteCommands(
  cmd: Command,
  io: IO,
  setExit: (code: number) => void,
  withApi: WithApi,
  intFlag: IntFlag,
): void {
  const onMachine = async (machineId: string | undefined, command: string | undefined) => {
    if (!machineId) return setExit(1);
    const name = machineName(clusterDir(io), machineId);
    if (!name) {
      io.stderr.write(`Error getting machine IP: machine ${machineId} is not in this cluster\n`);
      return setExit(1);
    }
    // A namespace machine has its own PID namespace and root: it cannot enter another machine
    // (nor its own from inside), which only the host can.
    const here = io.env.SHOAL_MACHINE_DIR;
    if (here && readState(clusterDir(io))?.provider === "namespace") {
      io.stderr.write(
        `Unable to reach machine ${name} from ${basename(here)}: namespace machines cannot enter one another; run this fleetctl on the host (shoal fleetctl --driver=etcd --endpoint ...)\n`,
      );
      return setExit(1);
    }
    setExit(await ssh(clusterDir(io), io.env, name, command));
  };
  cmd
    .command("status")
    .description("systemctl status of units, on the machines they run on")
    .argument("[units...]")
    .option("--ssh-port <port>", "accepted; shoal reaches machines without SSH", "22")
    .action(async (units: string[]) => {
      for (const [i, arg] of units.entries()) {
        const unit = await withApi((ctl) => ctl.loadedUnit(arg, "status"));
        if (!unit) return setExit(1);
        if (i > 0) io.stdout.write("\n");
        await onMachine(unit.machineID, `systemctl status -l ${shellQuote(unit.name)}`);
      }
    });
  cmd
    .command("journal")
    .description("a unit's journal, from the machine it runs on")
    .argument("[units...]")
    .option("--lines <n>", "number of recent lines", "10")
    .option("-f, --follow", "keep printing new lines")
    // fleetctl's own spellings of -f and -A (pflag took "f" and "A" for long names).
    .addOption(new Option("--f").hideHelp())
    .option("--output <mode>", "journalctl's output mode", "short")
    .option("--sudo", "run journalctl with sudo (shoal: already allowed)")
    .option("--ssh-port <port>", "accepted; shoal reaches machines without SSH", "22")
    .action(async (units: string[], flags: JournalFlags) => {
      // Flags are parsed (and refused) before the command runs, as cobra does.
      const lines = String(intFlag("journal", "--lines", flags.lines));
      if (units.length !== 1) {
        io.stderr.write("One unit file must be provided.\n");
        return setExit(1);
      }
      const unit = await withApi((ctl) => ctl.loadedUnit(units[0] as string, "journal"));
      const follow = flags.follow || flags.f;
      const line = unit && journalCommand(unit.name, lines, flags.output, follow);
      await onMachine(unit?.machineID, line);
    });
  cmd
    .command("ssh")
    .description("a shell (or one command) on a machine, or on the machine running a unit")
    .argument("[args...]")
    .option("-m, --machine <id>", "the machine, by ID or a prefix of it")
    .option("-u, --unit <name>", "the machine running this unit")
    .option("-A, --forward-agent", "accepted; shoal has no SSH agent to forward")
    .addOption(new Option("--A").hideHelp())
    .option("--ssh-port <port>", "accepted; shoal reaches machines without SSH", "22")
    .passThroughOptions()
    .action(async (args: string[], flags: { machine?: string; unit?: string }) => {
      const picked = flags.machine === undefined && flags.unit === undefined;
      const id = await withApi((ctl) =>
        ctl.sshMachine({ ...flags, ...(picked && args[0] !== undefined ? { arg: args[0] } : {}) }),
      );
      const rest = (picked ? args.slice(1) : args).filter((a, i) => !(i === 0 && a === "--"));
      await onMachine(id, rest.length > 0 ? rest.join(" ") : undefined);
    });
}
