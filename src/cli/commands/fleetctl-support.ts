import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, type OutputConfiguration } from "commander";
import { clusterOfMachine } from "../../cluster/index.js";
import { ctlUsage, unknownCommandMessage } from "../../fleet/index.js";
import type { IO } from "../io.js";

/** fleetctl's command-line plumbing: flags from FLEETCTL_*, prefixes, exit codes, machines. */

export interface GlobalFlags {
  endpoint?: string;
  driver?: string;
  etcdKeyPrefix?: string;
  requestTimeout: string;
  on?: string;
  [flag: string]: unknown;
}

/**
 * fleetctl's flags shoal accepts without having a use for them (shoal
 * reaches machines without SSH): accepted, with one notice on stderr.
 */
export const INERT: Array<[flags: string, what: string]> = [
  ["--ssh-username <name>", "SSH user"],
  ["--known-hosts-file <path>", "known hosts file"],
  ["--strict-host-key-checking <bool>", "host key checking"],
  ["--ssh-timeout <seconds>", "SSH timeout"],
  ["--experimental-api <bool>", "experimental API switch"],
];

/** Every global flag also comes from FLEETCTL_<FLAG>, as upstream; the flag wins. */
export function globals(cmd: Command, env: NodeJS.ProcessEnv): GlobalFlags {
  const g = { ...cmd.opts<GlobalFlags>() };
  for (const option of cmd.options) {
    const key = option.attributeName();
    if (key === "on" || cmd.getOptionValueSource(key) === "cli") continue;
    const value = env[`FLEETCTL_${option.long?.slice(2).replaceAll("-", "_").toUpperCase()}`];
    if (value !== undefined && value !== "") g[key] = value;
  }
  return g;
}

export function str(key: string, value: unknown): Record<string, string> {
  return typeof value === "string" && value !== "" ? { [key]: value } : {};
}

/** Says once which given flags have no meaning here. */
export function noticeInert(g: GlobalFlags, io: IO): void {
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
export class FleetctlCommand extends Command {
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

/** An integer flag's value, or cobra's usage error for the command. */
export type IntFlag = (command: string, flag: string, value: string) => number;

/**
 * fleetctl's usage errors as cobra (and pflag) report them: the error on
 * stderr, the command's usage on stdout, fleetctl's own line; then exit 0,
 * as fleetctl's exit code is only ever set by a command that ran.
 */
export function cobraErrors(io: IO) {
  /**
   * A usage error as cobra reports it: the error, the command's usage on
   * stdout, and fleetctl's own line; fleetctl then exits 0 (its exit code
   * is only ever set by a command that ran).
   */
  const usageError = (command: string | undefined, message: string): never => {
    io.stderr.write(`Error: ${message}\n`);
    io.stdout.write(ctlUsage(command));
    io.stderr.write(`\ncannot execute cmdFleet: ${message}\n`);
    throw new CommanderError(0, "fleetctl.usage", message);
  };
  /** Commander's parse errors in cobra's (pflag's) words. */
  const flagErrors =
    (command: string | undefined) =>
    (err: CommanderError): never => {
      if (err.exitCode === 0) throw err;
      const flag = /'(-[^']*)'/.exec(err.message)?.[1] ?? "";
      if (err.code === "commander.unknownOption") {
        usageError(
          command,
          flag.startsWith("--")
            ? `unknown flag: ${flag}`
            : `unknown shorthand flag: '${flag.slice(1, 2)}' in ${flag}`,
        );
      }
      if (err.code === "commander.optionMissingArgument") {
        usageError(command, `flag needs an argument: ${/--[\w-]+/.exec(err.message)?.[0] ?? flag}`);
      }
      throw new Error(err.message.replace(/^error: /, ""));
    };
  /** An integer flag's value, as pflag parses it. */
  const intFlag: IntFlag = (command, flag, value) => {
    if (!/^[-+]?\d+$/.test(value)) {
      usageError(
        command,
        `invalid argument "${value}" for ${flag}: strconv.ParseInt: parsing "${value}": invalid syntax`,
      );
    }
    return Number(value);
  };
  /** cobra's answer to an unknown command: fleetctl exits 0 after it. */
  const unknownCommand = (name: string): never => {
    const message = unknownCommandMessage(name);
    io.stderr.write(`Error: ${message}\nRun 'fleetctl --help' for usage.\n`);
    io.stderr.write(`cannot execute cmdFleet: ${message}${message.endsWith("\n") ? "" : "\n"}`);
    throw new CommanderError(0, "fleetctl.usage", message);
  };
  return { usageError, flagErrors, intFlag, unknownCommand };
}

/** Any unambiguous prefix of a command names it, as fleetctl (cobra) allows. */
export function addPrefixAliases(cmd: Command): void {
  const names = cmd.commands.map((c) => c.name());
  for (const c of cmd.commands) {
    const name = c.name();
    for (let n = 1; n < name.length; n++) {
      const prefix = name.slice(0, n);
      if (names.filter((other) => other.startsWith(prefix)).length === 1) c.alias(prefix);
    }
  }
}

/** Upstream's journalctl command line for a unit, --output passed on unaltered. */
export function journalCommand(
  unit: string,
  lines: string,
  output: string,
  follow?: boolean,
): string {
  const words = ["journalctl", "--unit", unit, "--no-pager", "-n", lines, "--output", output];
  if (follow) words.push("-f");
  return words.map(shellQuote).join(" ");
}

/** Inside a machine, the cluster it belongs to; on the host, the current directory. */
export function clusterDir(io: IO): string {
  const machineDir = io.env.SHOAL_MACHINE_DIR;
  return machineDir ? clusterOfMachine(machineDir) : io.cwd;
}

/** The machine of the cluster here with this machine ID (its config drive says). */
export function machineName(cluster: string, machineId: string): string | undefined {
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

export async function fdForward(socket: string, io: IO): Promise<number> {
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

export function withoutHostFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--on" || a === "--machine" || a === "--tunnel") i++;
    else if (!/^--(on|machine|tunnel)=/.test(a)) out.push(a);
  }
  return out;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
