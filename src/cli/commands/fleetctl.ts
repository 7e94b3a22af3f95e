import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, type CommanderError, Option, type OutputConfiguration } from "commander";
import { ssh } from "../../cluster/index.js";
import {
  type BlockOptions,
  connectCtl,
  FLEET_VERSION,
  type FleetApi,
  FleetCtl,
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

interface GlobalFlags {
  endpoint?: string;
  driver?: string;
  etcdKeyPrefix?: string;
  requestTimeout: string;
  on?: string;
  machine?: string;
  [flag: string]: unknown;
}

interface ListFlags {
  full?: boolean;
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

/**
 * fleetctl's flags shoal accepts without having a use for them (shoal
 * reaches machines without SSH, and its etcd has no TLS here): accepted,
 * with one notice on stderr.
 */
const INERT: Array<[flags: string, what: string]> = [
  ["--ssh-username <name>", "SSH user"],
  ["--known-hosts-file <path>", "known hosts file"],
  ["--strict-host-key-checking <bool>", "host key checking"],
  ["--ssh-timeout <seconds>", "SSH timeout"],
  ["--key-file <path>", "TLS key"],
  ["--cert-file <path>", "TLS certificate"],
  ["--ca-file <path>", "TLS CA"],
  ["--etcd-keyfile <path>", "TLS key"],
  ["--etcd-certfile <path>", "TLS certificate"],
  ["--etcd-cafile <path>", "TLS CA"],
  ["--experimental-api <bool>", "experimental API switch"],
];

/** `shoal fleetctl`: fleet's fleetctl, on fleet's API or the cluster's etcd. */
export function fleetctlCommand(io: IO, setExit: (code: number) => void): Command {
  const cmd = new FleetctlCommand("fleetctl")
    .description("control the whole cluster's units from any machine (fleet)")
    .option("--endpoint <url>", "fleet API (unix:// or http://) or etcd URLs")
    .option("--driver <driver>", "API or etcd (default: etcd for port 2379/4001)")
    .option("--etcd-key-prefix <prefix>", "fleet's keyspace in etcd")
    .option("--request-timeout <seconds>", "timeout of each request", "3")
    .option("--tunnel <machine>", "run this fleetctl inside that machine")
    .option("--debug", "accepted; errors are always printed in full")
    .option("--on <machine>", "run this fleetctl inside that machine of the cluster here")
    .option("--machine <machine>", "old spelling of --on")
    .enablePositionalOptions()
    .exitOverride(usageExit)
    .configureOutput({
      writeOut: (s: string) => io.stdout.write(s),
      writeErr: (s: string) => io.stderr.write(s),
      outputError: () => {},
    })
    .argument("[command]")
    .allowExcessArguments()
    .action((name: string | undefined) => {
      if (name === undefined) return cmd.help();
      throw new Error(`unknown command "${name}" for "fleetctl"`);
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
            const opts = { full: Boolean(flags.full), legend: flags.legend };
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
  const blockOptions = (f: BlockFlags): BlockOptions => {
    const attempts = Number(f.blockAttempts ?? "0");
    if (!Number.isInteger(attempts)) {
      throw new Error(`invalid argument "${f.blockAttempts}" for --block-attempts`);
    }
    return {
      attempts: f.block === false ? -1 : Math.max(0, attempts),
      replace: Boolean(f.replace),
    };
  };
  const unitsAction =
    (run: (ctl: FleetCtl, units: string[], opts: BlockOptions) => Promise<number>) =>
    async (units: string[], flags: BlockFlags) => {
      if (flags.sign) return signRefused();
      const opts = blockOptions(flags);
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

  // status, journal and ssh run on the unit's machine, as upstream does over SSH.
  const onMachine = async (machineId: string | undefined, command: string | undefined) => {
    if (!machineId) return setExit(1);
    const name = machineName(clusterDir(io), machineId);
    if (!name) {
      io.stderr.write(`Error getting machine IP: machine ${machineId} is not in this cluster\n`);
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
    .option("--output <mode>", "journalctl's output mode", "short")
    .option("--sudo", "run journalctl with sudo (shoal: already allowed)")
    .option("--ssh-port <port>", "accepted; shoal reaches machines without SSH", "22")
    .action(async (units: string[], flags: { lines: string; follow?: boolean; output: string }) => {
      if (units.length !== 1) {
        io.stderr.write("One unit file must be provided.\n");
        return setExit(1);
      }
      if (!/^\d+$/.test(flags.lines))
        throw new Error(`invalid argument "${flags.lines}" for --lines`);
      const unit = await withApi((ctl) => ctl.loadedUnit(units[0] as string, "journal"));
      const line = unit && journalCommand(unit.name, flags.lines, flags.output, flags.follow);
      await onMachine(unit?.machineID, line);
    });
  cmd
    .command("ssh")
    .description("a shell (or one command) on a machine, or on the machine running a unit")
    .argument("[args...]")
    .option("-m, --machine <id>", "the machine, by ID or a prefix of it")
    .option("-u, --unit <name>", "the machine running this unit")
    .option("-A, --forward-agent", "accepted; shoal has no SSH agent to forward")
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

  addPrefixAliases(cmd);
  // `shoal fleetctl --on NAME ...` from the host: the same fleetctl, run inside NAME.
  cmd.hook("preSubcommand", (_cmd, sub) => {
    const g = globals(cmd, io.env);
    if (g.machine && !g.on) io.stderr.write("shoal: --machine before the command is now --on\n");
    const target = g.on ?? g.machine ?? g.tunnel;
    if (typeof target !== "string" || !target) return;
    sub.action(async () => {
      const args = withoutHostFlags(cmd.args);
      setExit(await ssh(io.cwd, io.env, target, `fleetctl ${args.map(shellQuote).join(" ")}`));
    });
  });
  return cmd;
}

/** Every global flag also comes from FLEETCTL_<FLAG>, as upstream; the flag wins. */
function globals(cmd: Command, env: NodeJS.ProcessEnv): GlobalFlags {
  const g = { ...cmd.opts<GlobalFlags>() };
  for (const option of cmd.options) {
    const key = option.attributeName();
    if (key === "on" || key === "machine" || cmd.getOptionValueSource(key) === "cli") continue;
    const value = env[`FLEETCTL_${option.long?.slice(2).replaceAll("-", "_").toUpperCase()}`];
    if (value !== undefined && value !== "") g[key] = value;
  }
  return g;
}

/** Says once which given flags have no meaning here. */
function noticeInert(g: GlobalFlags, io: IO): void {
  const given = INERT.map(([flags]) => flags.split(" ")[0] as string).filter((f) => {
    const key = f.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    return g[key] !== undefined;
  });
  if (given.length === 0) return;
  io.stderr.write(
    `fleetctl: ${given.join(", ")} accepted and ignored: shoal reaches machines and etcd without SSH or TLS\n`,
  );
}

/**
 * fleetctl keeps its own error handling: the host CLI sets its defaults on
 * every command after building them, which would turn fleetctl's usage
 * errors back into shoal's exit 2.
 */
class FleetctlCommand extends Command {
  private locked = false;

  lock(): this {
    this.locked = true;
    return this;
  }

  override exitOverride(fn?: (err: CommanderError) => never | undefined): this {
    return this.locked ? this : super.exitOverride(fn);
  }

  override configureOutput(configuration: OutputConfiguration): this;
  override configureOutput(): OutputConfiguration;
  override configureOutput(configuration?: OutputConfiguration): this | OutputConfiguration {
    if (configuration === undefined) return super.configureOutput();
    return this.locked ? this : (super.configureOutput(configuration) as this);
  }
}

/** Commander's usage errors exit 1 here, as fleetctl's do (compatibility surface). */
function usageExit(err: CommanderError): never {
  if (err.exitCode === 0) throw err;
  throw new Error(err.message.replace(/^error: /, ""));
}

/** Any unambiguous prefix of a command names it, as fleetctl (cobra) allows. */
function addPrefixAliases(cmd: Command): void {
  const names = cmd.commands.map((c) => c.name());
  for (const c of cmd.commands) {
    const name = c.name();
    for (let n = 1; n < name.length; n++) {
      const prefix = name.slice(0, n);
      if (names.filter((other) => other.startsWith(prefix)).length === 1) c.alias(prefix);
    }
  }
}

/** The machine's journalctl prints its one format (journalctl's short): --output is not passed on. */
function journalCommand(unit: string, lines: string, _output: string, follow?: boolean): string {
  const words = ["journalctl", "-u", unit, "--no-pager", "-n", lines];
  if (follow) words.push("-f");
  return words.map(shellQuote).join(" ");
}

/** The cluster a machine belongs to: .shoal/machines/NAME is three levels below it. */
function clusterDir(io: IO): string {
  const machineDir = io.env.SHOAL_MACHINE_DIR;
  return machineDir ? resolve(machineDir, "..", "..", "..") : io.cwd;
}

/** The machine of the cluster here with this machine ID (its config drive says). */
function machineName(cluster: string, machineId: string): string | undefined {
  const dir = join(cluster, ".shoal", "machines");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined; // no cluster here: nothing to find
  }
  return names.find((name) => {
    try {
      const meta = readFileSync(
        join(dir, name, "config-drive", "openstack", "latest", "meta_data.json"),
        "utf8",
      );
      return (JSON.parse(meta) as { uuid?: string }).uuid === machineId;
    } catch {
      return false; // a machine directory without a config drive is not a machine yet
    }
  });
}

async function fdForward(socket: string, io: IO): Promise<number> {
  const { connect } = await import("node:net");
  return new Promise((done) => {
    const conn = connect(socket);
    conn.on("error", (err) => {
      io.stderr.write(`Failed dialing remote address: ${err.message}\n`);
      done(1);
    });
    conn.on("connect", () => {
      io.stdin.pipe(conn);
      conn.pipe(io.stdout);
      conn.on("close", () => done(0));
    });
  });
}

function withoutHostFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--on" || a === "--machine" || a === "--tunnel") i++;
    else if (!/^--(on|machine|tunnel)=/.test(a)) out.push(a);
  }
  return out;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
