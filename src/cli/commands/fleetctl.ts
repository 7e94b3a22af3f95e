import { type Command, Option } from "commander";
import { ssh } from "../../cluster/index.js";
import {
  type BlockOptions,
  connectCtl,
  ctlUsage,
  FLEET_VERSION,
  type FleetApi,
  FleetCtl,
  findCtlCommand,
  machineRows,
  machinesTable,
  renderTable,
  selectFields,
  type Table,
  unitFileRowsOf,
  unitFilesTable,
  unitRowsOf,
  unitsTable,
} from "../../fleet/index.js";
import { type IO, writeJson } from "../io.js";
import { remoteCommands } from "./fleetctl-remote.js";
import {
  addPrefixAliases,
  cobraErrors,
  FleetctlCommand,
  fdForward,
  globals,
  INERT,
  noticeInert,
  shellQuote,
  str,
  withoutHostFlags,
} from "./fleetctl-support.js";

interface ListFlags {
  full?: boolean;
  l?: boolean;
  legend: boolean;
  fields?: string;
  output: "table" | "json";
}

interface BlockFlags {
  block?: boolean;
  blockAttempts?: string;
  replace?: boolean;
  sign?: boolean;
}

/** `shoal fleetctl`: fleet's fleetctl, on fleet's API or the cluster's etcd. */
export function fleetctlCommand(io: IO, setExit: (code: number) => void): Command {
  const { usageError, flagErrors, intFlag, unknownCommand } = cobraErrors(io);

  const cmd = new FleetctlCommand("fleetctl")
    .description("control the whole cluster's units from any machine (fleet)")
    .configureHelp({
      formatHelp: (c) => ctlUsage(c.name() === "fleetctl" ? undefined : c.name()),
    })
    .helpCommand(false)
    .option("--endpoint <url>", "fleet API (unix:// or http://) or etcd URLs")
    .option("--driver <driver>", "API or etcd (default: etcd for port 2379/4001)")
    .option("--etcd-key-prefix <prefix>", "fleet's keyspace in etcd")
    .option("--request-timeout <seconds>", "timeout of each request", "3")
    .option("--tunnel <machine>", "run this fleetctl inside that machine")
    .option("--debug", "accepted; errors are always printed in full")
    .option("--key-file <path>", "TLS key for etcd (--driver=etcd)")
    .option("--cert-file <path>", "TLS certificate for etcd (--driver=etcd)")
    .option("--ca-file <path>", "TLS CA for etcd (--driver=etcd)")
    .addOption(new Option("--etcd-keyfile <path>", "old spelling of --key-file").hideHelp())
    .addOption(new Option("--etcd-certfile <path>", "old spelling of --cert-file").hideHelp())
    .addOption(new Option("--etcd-cafile <path>", "old spelling of --ca-file").hideHelp())
    .option("--on <machine>", "run this fleetctl inside that machine of the cluster here")
    .enablePositionalOptions()
    // `--machine NAME` before the command is the old spelling of --on. It is not declared
    // here, so that `fleetctl ssh --machine ID` always reaches ssh's own --machine.
    .allowUnknownOption()
    .exitOverride(flagErrors(undefined))
    .configureOutput({
      writeOut: (s: string) => io.stdout.write(s),
      writeErr: (s: string) => io.stderr.write(s),
      outputError: () => {},
    })
    .argument("[command]")
    .allowExcessArguments()
    .action(async (name: string | undefined) => {
      const [first, ...rest] = cmd.args;
      const old = first === "--machine" ? rest.shift() : first?.match(/^--machine=(.+)$/)?.[1];
      if (old !== undefined) {
        io.stderr.write("shoal: --machine before the command is now --on\n");
        const line = `fleetctl ${withoutHostFlags(rest).map(shellQuote).join(" ")}`;
        return setExit(await ssh(io.cwd, io.env, old, line));
      }
      // Upstream looks at its first argument for these before parsing anything.
      if (first === "--version" || first === "-v") {
        io.stdout.write(`fleetctl version ${FLEET_VERSION}\n`);
        return setExit(0);
      }
      if (first === "--h") {
        io.stdout.write(ctlUsage());
        return setExit(0);
      }
      if (first?.startsWith("-")) return usageError(undefined, `unknown flag: ${first}`);
      if (name === undefined) {
        // Bare fleetctl prints its usage before cobra adds the help command.
        io.stdout.write(ctlUsage(undefined, false));
        return setExit(0);
      }
      unknownCommand(name);
    });
  cmd.lock();
  for (const [flags, what] of INERT) {
    cmd.addOption(new Option(flags, `accepted; shoal has no ${what}`).hideHelp());
  }

  let noticed = false;
  const withApi = async <T>(fn: (ctl: FleetCtl, api: FleetApi) => Promise<T>) => {
    const g = globals(cmd, io.env);
    if (!noticed) noticeInert(g, io);
    noticed = true;
    const timeout = Number(g.requestTimeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new Error(
        `--request-timeout must be a positive number of seconds, not "${g.requestTimeout}"`,
      );
    }
    const api = connectCtl({
      ...(g.endpoint ? { endpoint: g.endpoint } : {}),
      ...(g.driver ? { driver: g.driver } : {}),
      ...(g.etcdKeyPrefix ? { etcdKeyPrefix: g.etcdKeyPrefix } : {}),
      requestTimeoutMs: timeout * 1000,
      tls: {
        ...str("keyFile", g.keyFile ?? g.etcdKeyfile),
        ...str("certFile", g.certFile ?? g.etcdCertfile),
        ...str("caFile", g.caFile ?? g.etcdCafile),
      },
      ...(io.env.SHOAL_MACHINE_DIR ? { machineDir: io.env.SHOAL_MACHINE_DIR } : {}),
      env: io.env,
    });
    const ctl = new FleetCtl(api, {
      out: (l) => io.stdout.write(`${l}\n`),
      err: (l) => io.stderr.write(`${l}\n`),
      cwd: io.cwd,
    });
    try {
      return await fn(ctl, api);
    } finally {
      api.close();
    }
  };

  const list = <Row>(
    name: string,
    description: string,
    table: Table<Row>,
    rows: (api: FleetApi) => Promise<Row[]>,
    failure: (err: string) => string,
  ) =>
    cmd
      .command(name)
      .description(description)
      .option("-l, --full", "do not shorten machine IDs and hashes")
      // fleetctl's own spelling of -l (pflag took "l" for a long name).
      .addOption(new Option("--l").hideHelp())
      .option("--no-legend", "do not print the header")
      .option("--fields <fields>", `columns to print (default ${table.defaults.join(",")})`)
      .addOption(
        new Option("-o, --output <format>", "output format")
          .choices(["table", "json"])
          .default("table"),
      )
      .action(async (flags: ListFlags) => {
        const selected = selectFields(table, flags.fields);
        if ("error" in selected) throw new Error(selected.error);
        if (flags.fields?.split(",").includes("tmachine")) {
          io.stderr.write('WARNING: The "tmachine" field is deprecated. Use "target" instead\n');
        }
        await withApi(async (_ctl, api) => {
          let data: Row[];
          try {
            data = await rows(api);
          } catch (err) {
            io.stderr.write(`${failure((err as Error).message)}\n`);
            setExit(1);
            return;
          }
          if (flags.output === "json") writeJson(io, data);
          else {
            const opts = { full: Boolean(flags.full || flags.l), legend: flags.legend };
            io.stdout.write(renderTable(table, selected.fields, data, opts));
          }
          setExit(0);
        });
      });

  list(
    "list-machines",
    "the machines in the cluster (live agents)",
    machinesTable,
    async (api) => machineRows({ machines: await api.machines() }),
    (err) =>
      `Error retrieving list of active machines from fleet API (${err})\nPossible issues:\n  etcd is unhealthy and/or lost quorum\n  connection cannot be established to any etcd servers`,
  );
  list(
    "list-units",
    "the state of each unit on each machine",
    unitsTable,
    async (api) => unitRowsOf(await api.unitStates(), await api.machines()),
    (err) => `Error retrieving list of units from repository: ${err}`,
  );
  list(
    "list-unit-files",
    "the units fleet knows, with desired and current state",
    unitFilesTable,
    async (api) => unitFileRowsOf(await api.units(), await api.machines()),
    (err) => `Error retrieving list of units from repository: ${err}`,
  );

  const blocking = (c: Command, replace: boolean) => {
    c.option("--no-block", "do not wait for the units to reach the state").option(
      "--block-attempts <n>",
      "wait at most N attempts of 2 s each (0 = forever)",
      "0",
    );
    if (replace) {
      c.option("--replace", "replace units already in the registry").addOption(
        new Option("--sign", "deprecated: cannot be used").hideHelp(),
      );
    }
    return c.argument("[units...]");
  };
  const blockOptions = (command: string, f: BlockFlags): BlockOptions => {
    const attempts = intFlag(command, "--block-attempts", f.blockAttempts ?? "0");
    return {
      attempts: f.block === false ? -1 : Math.max(0, attempts),
      replace: Boolean(f.replace),
    };
  };
  const unitsAction =
    (run: (ctl: FleetCtl, units: string[], opts: BlockOptions) => Promise<number>) =>
    async (units: string[], flags: BlockFlags, command: Command) => {
      if (flags.sign) return signRefused();
      const opts = blockOptions(command.name(), flags);
      await withApi(async (ctl) => setExit(await run(ctl, units, opts)));
    };
  const signRefused = () => {
    io.stderr.write(
      "WARNING: The signed/verified units feature is DEPRECATED and cannot be used.\n",
    );
    setExit(2);
  };

  cmd
    .command("submit")
    .description("upload units to the cluster without starting them")
    .argument("[units...]")
    .option("--replace", "replace units already in the registry")
    .addOption(new Option("--sign", "deprecated: cannot be used").hideHelp())
    .action(unitsAction((ctl, u, o) => ctl.submit(u, o)));
  blocking(
    cmd.command("load").description("schedule units to machines, without starting them"),
    true,
  ).action(unitsAction((ctl, u, o) => ctl.load(u, o)));
  blocking(cmd.command("start").description("schedule and start units"), true).action(
    unitsAction((ctl, u, o) => ctl.start(u, o)),
  );
  blocking(cmd.command("stop").description("stop units, keeping them loaded"), false).action(
    unitsAction((ctl, u, o) => ctl.stop(u, o)),
  );
  blocking(cmd.command("unload").description("stop units and unschedule them"), false).action(
    unitsAction((ctl, u, o) => ctl.unload(u, o)),
  );
  blocking(cmd.command("destroy").description("remove units from the cluster"), false).action(
    unitsAction((ctl, u) => ctl.destroy(u)),
  );
  cmd
    .command("restart")
    .description("stop and start units again, one after another")
    .argument("[units...]")
    .option("--block-attempts <n>", "wait at most N attempts of 2 s each (0 = forever)", "0")
    .action(unitsAction((ctl, u, o) => ctl.restart(u, o)));
  cmd
    .command("cat")
    .description("print a unit as stored in the registry")
    .argument("[units...]")
    .action(async (units: string[]) => {
      if (units.length !== 1) {
        io.stderr.write("One unit file must be provided\n");
        return setExit(1);
      }
      await withApi(async (ctl) => setExit(await ctl.cat(units[0] as string)));
    });
  cmd
    .command("verify")
    .description("deprecated: signed units are no longer supported")
    .argument("[unit]")
    .action(signRefused);
  cmd
    .command("version")
    .description("print fleetctl's version")
    .action(() => {
      io.stdout.write(`fleetctl version ${FLEET_VERSION}\n`);
      setExit(0);
    });
  cmd
    .command("fd-forward")
    .description("proxy stdin and stdout to a unix socket (used by --tunnel)")
    .argument("[socket]")
    .action(async (socket: string | undefined) => {
      if (!socket) {
        io.stderr.write("Provide a single argument\n");
        return setExit(1);
      }
      setExit(await fdForward(socket, io));
    });

  remoteCommands(cmd, io, setExit, withApi, intFlag);

  cmd
    .command("help")
    .description("help about any command")
    .argument("[command...]")
    .action((topic: string[]) => {
      const found = topic[0] === undefined ? "" : findCtlCommand(topic[0]);
      if (found === undefined) {
        // cobra's words, without a newline, then fleetctl's usage.
        io.stderr.write(`Unknown help topic [${topic.map((t) => `\`${t}\``).join(" ")}].`);
      }
      io.stdout.write(ctlUsage(found || undefined));
      setExit(0);
    });
  for (const sub of cmd.commands) sub.exitOverride(flagErrors(sub.name()));

  addPrefixAliases(cmd);
  // `shoal fleetctl --on NAME ...` from the host: the same fleetctl, run inside NAME.
  cmd.hook("preSubcommand", (_cmd, sub) => {
    const g = globals(cmd, io.env);
    const target = g.on ?? g.tunnel;
    if (typeof target !== "string" || !target) return;
    sub.action(async () => {
      const args = withoutHostFlags(cmd.args);
      setExit(await ssh(io.cwd, io.env, target, `fleetctl ${args.map(shellQuote).join(" ")}`));
    });
  });
  return cmd;
}
