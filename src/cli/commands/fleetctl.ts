import { Command, Option } from "commander";
import { UsageError } from "../../errors/index.js";
import {
  type BlockOptions,
  connectRegistry,
  DEFAULT_PREFIX,
  FleetCtl,
  fleetctlEndpoints,
  machineRows,
  machinesTable,
  renderTable,
  selectFields,
  type Table,
  unitFileRows,
  unitFilesTable,
  unitRows,
  unitsTable,
} from "../../fleet/index.js";
import { type IO, writeJson } from "../io.js";

interface GlobalFlags {
  endpoint?: string;
  etcdKeyPrefix: string;
  requestTimeout: string;
}

interface ListFlags {
  full?: boolean;
  legend: boolean;
  fields?: string;
  output: "table" | "json";
}

interface BlockFlags {
  noBlock?: boolean;
  block?: boolean;
  blockAttempts: string;
  replace?: boolean;
}

/** `shoal fleetctl`: fleet's fleetctl, on the cluster's etcd (v3). */
export function fleetctlCommand(io: IO, setExit: (code: number) => void): Command {
  const cmd = new Command("fleetctl")
    .description("control the whole cluster's units from any machine (fleet)")
    .option("--endpoint <urls>", "etcd endpoints, comma-separated (env FLEETCTL_ENDPOINT)")
    .option("--etcd-key-prefix <prefix>", "fleet's keyspace in etcd", DEFAULT_PREFIX)
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
    const conn = connectRegistry({
      endpoints: fleetctlEndpoints(g.endpoint ?? io.env.FLEETCTL_ENDPOINT, io.env),
      prefix: g.etcdKeyPrefix.endsWith("/") ? g.etcdKeyPrefix : `${g.etcdKeyPrefix}/`,
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
    const attempts = Number(f.blockAttempts);
    if (!Number.isInteger(attempts) || attempts < 0) {
      throw new UsageError(`--block-attempts must be a whole number, not "${f.blockAttempts}"`);
    }
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
  return cmd;
}
