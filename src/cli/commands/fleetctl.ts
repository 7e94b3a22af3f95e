import { Command, Option } from "commander";
import { clusterOfMachine, ssh } from "../../cluster/index.js";
import { UsageError } from "../../errors/index.js";
import {
  type BlockOptions,
  connectRegistry,
  DEFAULT_PREFIX,
  FLEET_VERSION,
  FleetCtl,
  fleetctlEndpoints,
  type Located,
  machineRows,
  machinesTable,
  readLocalFleet,
  renderTable,
  selectFields,
  type Table,
  unitFileRows,
  unitFilesTable,
  unitRows,
  unitsTable,
} from "../../fleet/index.js";
import { parseCount } from "../../host/index.js";

import { type IO, writeJson } from "../io.js";

interface GlobalFlags {
  endpoint?: string;
  etcdKeyPrefix?: string;
  requestTimeout: string;
  machine?: string;
}

interface ListFlags {
  full?: boolean;
  legend: boolean;
  fields?: string;
  output: "table" | "json";
}

interface BlockFlags {
  block?: boolean;
  blockAttempts: string;
  replace?: boolean;
}

/** `shoal fleetctl`: fleet's fleetctl, on the cluster's etcd (v3). */
export function fleetctlCommand(io: IO, setExit: (code: number) => void): Command {
  const cmd = new Command("fleetctl")
    .description("control the whole cluster's units from any machine (fleet)")
    .option("--endpoint <urls>", "etcd endpoints, comma-separated (env FLEETCTL_ENDPOINT)")
    .option("--etcd-key-prefix <prefix>", `fleet's keyspace in etcd (default ${DEFAULT_PREFIX})`)
    .option("--machine <name>", "run this fleetctl inside that machine of the cluster here")
    .option("--request-timeout <seconds>", "timeout of each etcd request", "3")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const withCtl = async <T>(
    fn: (ctl: FleetCtl, conn: ReturnType<typeof connectRegistry>) => Promise<T>,
  ) => {
    const g = cmd.opts<GlobalFlags>();
    const timeout = Number(g.requestTimeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new UsageError(
        `--request-timeout must be a positive number of seconds, not "${g.requestTimeout}"`,
      );
    }
    const prefix =
      g.etcdKeyPrefix ?? readLocalFleet(io.env.SHOAL_MACHINE_DIR)?.etcdKeyPrefix ?? DEFAULT_PREFIX;
    const conn = connectRegistry({
      endpoints: fleetctlEndpoints(g.endpoint, io.env),
      prefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
      requestTimeoutMs: timeout * 1000,
    });
    const ctl = new FleetCtl(conn.registry, {
      out: (l) => io.stdout.write(`${l}\n`),
      err: (l) => io.stderr.write(`${l}\n`),
      cwd: io.cwd,
    });
    try {
      return await fn(ctl, conn);
    } finally {
      conn.close();
    }
  };

  const list = <Row>(
    name: string,
    description: string,
    table: Table<Row>,
    rows: (conn: ReturnType<typeof connectRegistry>) => Promise<Row[]>,
    failure: string,
  ) =>
    cmd
      .command(name)
      .description(description)
      .option("-l, --full", "do not shorten machine IDs and hashes")
      .option("--no-legend", "do not print the header")
      .option("--fields <fields>", `columns to print (default ${table.defaults.join(",")})`)
      .addOption(
        new Option("-o, --output <format>", "output format")
          .choices(["table", "json"])
          .default("table"),
      )
      .action(async (flags: ListFlags) => {
        const selected = selectFields(table, flags.fields);
        if ("error" in selected) throw new UsageError(selected.error);
        if (flags.fields?.split(",").includes("tmachine")) {
          io.stderr.write('WARNING: The "tmachine" field is deprecated. Use "target" instead\n');
        }
        await withCtl(async (_ctl, conn) => {
          let data: Row[];
          try {
            data = await rows(conn);
          } catch (err) {
            io.stderr.write(`${failure}\n${(err as Error).message}\n`);
            io.stderr.write(
              "Possible causes: etcd is unreachable, or is unhealthy and/or lost quorum\n",
            );
            setExit(1);
            return;
          }
          if (flags.output === "json") writeJson(io, data);
          else
            io.stdout.write(
              renderTable(table, selected.fields, data, {
                full: Boolean(flags.full),
                legend: flags.legend,
              }),
            );
          setExit(0);
        });
      });

  list(
    "list-machines",
    "the machines in the cluster (live agents)",
    machinesTable,
    async (c) => machineRows({ machines: await c.registry.machines() }),
    "Error retrieving list of active machines from fleet API",
  );
  list(
    "list-units",
    "the state of each unit on each machine",
    unitsTable,
    async (c) => unitRows(await c.registry.snapshot()),
    "Error retrieving list of units from repository",
  );
  list(
    "list-unit-files",
    "the units fleet knows, with desired and current state",
    unitFilesTable,
    async (c) => unitFileRows(await c.registry.snapshot()),
    "Error retrieving list of units from repository",
  );

  const blocking = (c: Command) =>
    c
      .option("--no-block", "do not wait for the units to reach the state")
      .option("--block-attempts <n>", "wait at most N attempts of 2 s each (0 = forever)", "0");
  const blockOptions = (f: BlockFlags): BlockOptions => {
    const attempts = parseCount(f.blockAttempts, "--block-attempts", 0);
    return { noBlock: f.block === false, blockAttempts: attempts, replace: Boolean(f.replace) };
  };
  const unitsAction =
    (run: (ctl: FleetCtl, units: string[], opts: BlockOptions) => Promise<number>) =>
    async (units: string[], flags: BlockFlags) => {
      const opts = blockOptions(flags);
      await withCtl(async (ctl) => setExit(await run(ctl, units, opts)));
    };

  cmd
    .command("submit")
    .description("upload units to the cluster without starting them")
    .argument("<units...>")
    .option("--replace", "replace units already in the registry")
    .action(async (units: string[], flags: { replace?: boolean }) => {
      await withCtl(async (ctl) =>
        setExit(await ctl.submit(units, { replace: Boolean(flags.replace) })),
      );
    });
  blocking(cmd.command("load").description("schedule units to machines, without starting them"))
    .argument("<units...>")
    .option("--replace", "replace units already in the registry")
    .action(unitsAction((ctl, u, o) => ctl.load(u, o)));
  blocking(cmd.command("start").description("schedule and start units"))
    .argument("<units...>")
    .option("--replace", "replace units already in the registry")
    .action(unitsAction((ctl, u, o) => ctl.start(u, o)));
  blocking(cmd.command("stop").description("stop units, keeping them loaded"))
    .argument("<units...>")
    .action(unitsAction((ctl, u, o) => ctl.stop(u, o)));
  blocking(cmd.command("unload").description("stop units and unschedule them"))
    .argument("<units...>")
    .action(unitsAction((ctl, u, o) => ctl.unload(u, o)));
  cmd
    .command("destroy")
    .description("remove units from the cluster")
    .argument("<units...>")
    .action(async (units: string[]) => {
      await withCtl(async (ctl) => setExit(await ctl.destroy(units)));
    });
  cmd
    .command("cat")
    .description("print a unit as stored in the registry")
    .argument("<unit>")
    .action(async (unit: string) => {
      await withCtl(async (ctl) => setExit(await ctl.cat(unit)));
    });
  cmd
    .command("version")
    .description("print fleetctl's version")
    .action(() => {
      io.stdout.write(`fleetctl version ${FLEET_VERSION}\n`);
      setExit(0);
    });

  // status, journal and ssh run on the unit's machine, as upstream does over SSH.
  const onMachine = async (target: Located | undefined, command: string | undefined) => {
    if (!target) return setExit(1);
    setExit(await ssh(clusterDir(io), io.env, target.hostname, command));
  };
  cmd
    .command("status")
    .description("systemctl status of units, on the machines they run on")
    .argument("<units...>")
    .action(async (units: string[]) => {
      for (const [i, unit] of units.entries()) {
        if (i > 0) io.stdout.write("\n");
        const target = await withCtl((ctl) => ctl.unitMachine(unit, "status"));
        await onMachine(target, target && `systemctl status -l ${shellQuote(target.unit ?? unit)}`);
      }
    });
  cmd
    .command("journal")
    .description("a unit's journal, from the machine it runs on")
    .argument("<unit>")
    .option("--lines <n>", "number of recent lines", "10")
    .option("-f, --follow", "keep printing new lines")
    .action(async (unit: string, flags: { lines: string; follow?: boolean }) => {
      parseCount(flags.lines, "--lines", 0);
      const target = await withCtl((ctl) => ctl.unitMachine(unit, "journal"));
      const follow = flags.follow ? " -f" : "";
      await onMachine(
        target,
        target && `journalctl -u ${shellQuote(target.unit ?? unit)} -n ${flags.lines}${follow}`,
      );
    });
  cmd
    .command("ssh")
    .description("a shell (or one command) on a machine, or on the machine running a unit")
    .argument("<machine-or-unit>")
    .argument("[command...]")
    .action(async (arg: string, command: string[]) => {
      const target = await withCtl((ctl) => ctl.sshTarget(arg));
      await onMachine(target, command.length > 0 ? command.join(" ") : undefined);
    });

  // `shoal fleetctl --machine NAME ...` from the host: the same fleetctl, run inside NAME.
  cmd.hook("preSubcommand", (_cmd, sub) => {
    const machine = cmd.opts<GlobalFlags>().machine;
    if (!machine) return;
    sub.action(async () => {
      // fleetctl's own options are parsed by now; cmd.args is the subcommand and its arguments.
      const args = withoutMachineFlag(cmd.args);
      setExit(await ssh(io.cwd, io.env, machine, `fleetctl ${args.map(shellQuote).join(" ")}`));
    });
  });
  return cmd;
}

/** Inside a machine, the cluster it belongs to; on the host, the current directory. */
function clusterDir(io: IO): string {
  const machineDir = io.env.SHOAL_MACHINE_DIR;
  return machineDir ? clusterOfMachine(machineDir) : io.cwd;
}

function withoutMachineFlag(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--machine") i++;
    else if (!a.startsWith("--machine=")) out.push(a);
  }
  return out;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
