import { bool, type Flag, int, string } from "./ctl-flags.js";
import { machinesTable, unitFilesTable, unitsTable } from "./lists.js";

/** fleetctl v1.0's commands and their flags as its help lists them: the words are upstream's. */

export interface CtlCommand {
  use: string;
  short: string;
  long?: string;
  flags: Flag[];
}

const full = bool("full", "Do not ellipsize fields on output");
const fullShort = bool("l", "Shorthand for --full");
const noLegend = bool("no-legend", "Do not print a legend (column headers)");
const sign = bool("sign", "DEPRECATED - this option cannot be used");
const output: Flag = {
  name: "output",
  short: "o",
  type: "string",
  def: "table",
  usage: "Output format: table, or json (shoal).",
};
const fields = (what: string, table: { fields: object; defaults: readonly string[] }): Flag =>
  string(
    "fields",
    `Columns to print for each ${what}. Valid fields are "${Object.keys(table.fields).sort().join(",")}"`,
    table.defaults.join(","),
  );
const attempts = (until: string, global = " Does not apply to global units.") =>
  int(
    "block-attempts",
    `Wait until the ${until}, performing up to N attempts before giving up. A value of 0 indicates no limit.${global}`,
  );
const sshPort = (dot: string) =>
  int("ssh-port", `Connect to remote hosts over SSH using this TCP port${dot}`, "22");

/** fleetctl's commands, by name; `help` is cobra's. */
export const COMMANDS: Record<string, CtlCommand> = {
  cat: {
    use: "cat UNIT",
    short: "Output the contents of a submitted unit",
    long: `Outputs the unit file that is currently loaded in the cluster. Useful to verify
the correct version of a unit is running.`,
    flags: [],
  },
  destroy: {
    use: "destroy UNIT...",
    short: "Destroy one or more units in the cluster",
    long: `Completely remove one or more running or submitted units from the cluster.

Instructs systemd on the host machine to destroy the unit, deferring to systemd
completely for any custom stop directives (i.e. ExecStop option in the unit
file).

Destroyed units are impossible to start unless re-submitted.`,
    flags: [
      attempts("units are destroyed"),
      bool(
        "no-block",
        "Do not wait until the units are destroyed before exiting. Always the case for global units.",
      ),
    ],
  },
  "fd-forward": {
    use: "fd-forward SOCKET",
    short: "Proxy stdin and stdout to a unix domain socket",
    long: "fleetctl utilizes fd-forward when --tunnel is used and --endpoint is a unix socket. This command is not intended to be called by users directly.",
    flags: [],
  },
  help: {
    use: "help [command]",
    short: "Help about any command",
    long: `Help provides help for any command in the application.
    Simply type fleetctl help [path to command] for full details.`,
    flags: [],
  },
  journal: {
    use: "journal [--lines=N] [--ssh-port=N] [-f|--follow] [--output=STRING] <unit>",
    short: "Print the journal of a unit in the cluster to stdout",
    long: `Outputs the journal of a unit by connecting to the machine that the unit occupies.

Read the last 10 lines:
fleetctl journal foo.service

Read the last 100 lines:
fleetctl journal --lines 100 foo.service

This command does not work with global units.`,
    flags: [
      int("lines", "Number of recent log lines to return", "10"),
      bool("follow", "Continuously print new entries as they are appended to the journal."),
      { ...bool("f", "Shorthand for --follow") },
      sshPort(""),
      bool("sudo", "Execute journal command with sudo"),
      string(
        "output",
        "Output mode. This will be passed unaltered to journalctl on the remote host, and hence supports the same modes as that command.",
        "short",
      ),
    ],
  },
  "list-machines": {
    use: "list-machines [-l|--full] [--no-legend]",
    short: "Enumerate the current hosts in the cluster",
    long: `Lists all active machines within the cluster. Previously active machines will not appear in this list.

For easily parsable output, you can remove the column headers:
fleetctl list-machines --no-legend

Output the list without truncation:
fleetctl list-machines --full`,
    flags: [full, fullShort, noLegend, fields("Machine", machinesTable), output],
  },
  "list-unit-files": {
    use: "list-unit-files [--fields]",
    short: "List the units that exist in the cluster.",
    long: "Lists all unit files that exist in the cluster (whether or not they are loaded onto a machine).",
    flags: [full, noLegend, fields("Unit file", unitFilesTable), output],
  },
  "list-units": {
    use: "list-units [--no-legend] [-l|--full] [--fields]",
    short: "List the current state of units in the cluster",
    long: `Lists the state of all units in the cluster loaded onto a machine.

For easily parsable output, you can remove the column headers:
fleetctl list-units --no-legend

Output the list without ellipses:
fleetctl list-units --full

Or, choose the columns to display:
fleetctl list-units --fields=unit,machine`,
    flags: [full, fullShort, noLegend, fields("Unit", unitsTable), output],
  },
  load: {
    use: "load [--no-block|--block-attempts=N] UNIT...",
    short: "Schedule one or more units in the cluster, first submitting them if necessary.",
    long: `Load one or many units in the cluster into systemd, but do not start.

Select units to load by glob matching for units in the current working directory
or matching the names of previously submitted units.

For units which are not global, load operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a loaded state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Load operations on global
units are always non-blocking.`,
    flags: [
      sign,
      attempts("jobs are loaded"),
      bool(
        "no-block",
        "Do not wait until the jobs have been loaded before exiting. Always the case for global units.",
      ),
      bool("replace", "Replace the old scheduled units in the cluster with new versions."),
    ],
  },
  restart: {
    use: "restart [--block-attempts=N] UNIT...",
    short: "Instruct systemd to rolling restart one or more units in the cluster.",
    long: `Restarts one or more units in the cluster. If they are stopped it starts them.

Instructs systemd on the host machine to stop then start the unit, deferring to systemd
completely for any custom restart directives (i.e. ExecStop options in the unit
file).

For units which are not global, restart operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a stopped state and then back to a started state. This behaviour can be configured with the
respective --block-attempts options. Restart operations on global
units are always non-blocking.

Restart a single unit:
	fleetctl restart foo.service

Restart an entire directory of units with glob matching, without waiting:
	fleetctl restart myservice/*`,
    flags: [attempts("units are stopped/started")],
  },
  ssh: {
    use: "ssh [-A|--forward-agent] [--ssh-port=N] [--machine|--unit] {MACHINE|UNIT}",
    short: "Open interactive shell on a machine in the cluster",
    long: `Open an interactive shell on a specific machine in the cluster or on the machine
where the specified unit is located.

fleetctl tries to detect whether your first argument is a machine or a unit.
To skip this check use the --machine or --unit flags.

Open a shell on a machine:
fleetctl ssh 2444264c-eac2-4eff-a490-32d5e5e4af24

Open a shell from your laptop, to the machine running a specific unit, using a
cluster member as a bastion host:
fleetctl --tunnel 10.10.10.10 ssh foo.service

Open a shell on a machine and forward the authentication agent connection:
fleetctl ssh --forward-agent 2444264c-eac2-4eff-a490-32d5e5e4af24


Tip: Create an alias for --tunnel.
- Add "alias fleetctl=fleetctl --tunnel 10.10.10.10" to your bash profile.
- Now you can run all fleet commands locally.

This command does not work with global units.`,
    flags: [
      { ...string("machine", "Open SSH connection to a specific machine."), short: "m" },
      { ...string("unit", "Open SSH connection to machine running provided unit."), short: "u" },
      bool("forward-agent", "Forward local ssh-agent to target machine."),
      bool("A", "Shorthand for --forward-agent"),
      sshPort("."),
    ],
  },
  start: {
    use: "start [--no-block|--block-attempts=N] UNIT...",
    short:
      "Instruct systemd to start one or more units in the cluster, first submitting and loading if necessary.",
    long: `Start one or many units on the cluster. Select units to start by glob matching
for units in the current working directory or matching names of previously
submitted units.

For units which are not global, start operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a started state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Start operations on global
units are always non-blocking.

Start a single unit:
fleetctl start foo.service

Start an entire directory of units with glob matching:
fleetctl start myservice/*

You may filter suitable hosts based on metadata provided by the machine.
Machine metadata is located in the fleet configuration file.`,
    flags: [
      sign,
      attempts("units are launched"),
      bool(
        "no-block",
        "Do not wait until the units have launched before exiting. Always the case for global units.",
      ),
      bool("replace", "Replace the already started units in the cluster with new versions."),
    ],
  },
  status: {
    use: "status [--ssh-port=N] UNIT...",
    short: "Output the status of one or more units in the cluster",
    long: `Output the status of one or more units currently running in the cluster.
Supports glob matching of units in the current working directory or matches
previously started units.

Show status of a single unit:
	fleetctl status foo.service

Show status of an entire directory with glob matching:
fleetctl status myservice/*

This command does not work with global units.`,
    flags: [sshPort(".")],
  },
  stop: {
    use: "stop [--no-block|--block-attempts=N] UNIT...",
    short: "Instruct systemd to stop one or more units in the cluster.",
    long: `Stop one or more units from running in the cluster, but allow them to be
started again in the future.

Instructs systemd on the host machine to stop the unit, deferring to systemd
completely for any custom stop directives (i.e. ExecStop option in the unit
file).

For units which are not global, stop operations are performed synchronously,
which means fleetctl will block until it detects that the unit(s) have
transitioned to a stopped state. This behaviour can be configured with the
respective --block-attempts and --no-block options. Stop operations on global
units are always non-blocking.

Stop a single unit:
fleetctl stop foo.service

Stop an entire directory of units with glob matching, without waiting:
fleetctl --no-block stop myservice/*`,
    flags: [
      attempts("units are stopped"),
      bool(
        "no-block",
        "Do not wait until the units have stopped before exiting. Always the case for global units.",
      ),
    ],
  },
  submit: {
    use: "submit UNIT...",
    short: "Upload one or more units to the cluster without starting them",
    long: `Upload one or more units to the cluster without starting them. Useful
for validating units before they are started.

This operation is idempotent; if a named unit already exists in the cluster, it will not be resubmitted.

Submit a single unit:
fleetctl submit foo.service

Submit a directory of units with glob matching:
fleetctl submit myservice/*`,
    flags: [
      sign,
      bool("replace", "Replace the old submitted units in the cluster with new versions."),
    ],
  },
  unload: {
    use: "unload UNIT...",
    short: "Unschedule one or more units in the cluster.",
    flags: [
      attempts("units are inactive", ""),
      bool("no-block", "Do not wait until the units have become inactive before exiting."),
    ],
  },
  // Deprecated in cobra's sense: still listed (it runs), with no summary.
  verify: { use: "verify UNIT", short: "", flags: [] },
  version: {
    use: "version",
    short: "Print the version and exit",
    long: "Print the version and exit",
    flags: [],
  },
};
