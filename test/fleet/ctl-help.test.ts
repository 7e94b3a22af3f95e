/** fleetctl's help and usage errors, as fleet v1.0 (cobra, pflag, Go's tabwriter) prints them. */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runMain } from "./helpers.js";

const fleetctl = (...args: string[]) => runMain(["fleetctl", ...args], { cwd: tmpdir() });

// pflag's lines: sorted, the usage column one space past the longest flag, then two separators.
const GLOBAL = `      --ca-file string             Location of TLS CA file used to secure communication with the fleet API or etcd
      --cert-file string           Location of TLS cert file used to secure communication with the fleet API or etcd
      --debug                      Print out more debug information to stderr
      --driver string              Adapter used to execute fleetctl commands. Options include "API" and "etcd". (default "API")
      --endpoint string            Location of the fleet API if --driver=API. Alternatively, if --driver=etcd, location of the etcd API. (default "unix:///var/run/fleet.sock")
      --etcd-cafile string         DEPRECATED: do not use this flag.
      --etcd-certfile string       DEPRECATED: do not use this flag.
      --etcd-key-prefix string     Keyspace for fleet data in etcd (development use only!) (default "/_coreos.com/fleet/")
      --etcd-keyfile string        DEPRECATED: do not use this flag.
      --experimental-api           DEPRECATED: do not use this flag. (default true)
      --h                          Print usage information and exit
      --help                       Print usage information and exit
      --key-file string            Location of TLS key file used to secure communication with the fleet API or etcd
      --known-hosts-file string    File used to store remote machine fingerprints. Ignored if strict host key checking is disabled. (default "~/.fleetctl/known_hosts")
      --on string                  Run this fleetctl inside that machine of the cluster here (shoal).
      --request-timeout float      Amount of time in seconds to allow a single request before considering it failed. (default 3)
      --ssh-timeout float          Amount of time in seconds to allow for SSH connection initialization before failing. (default 10)
      --ssh-username string        Username to use when connecting to CoreOS instance. (default "core")
      --strict-host-key-checking   Verify host keys presented by remote machines before initiating SSH connections. (default true)
      --tunnel string              Establish an SSH tunnel through the provided address for communication with fleet and etcd.
      --version                    Print the version and exit
`;

// The command list: tab-padded to the 16-column stop past list-unit-files.
const COMMANDS = `COMMANDS:
\tcat\t\tOutput the contents of a submitted unit
\tdestroy\t\tDestroy one or more units in the cluster
\tfd-forward\tProxy stdin and stdout to a unix domain socket
\thelp\t\tHelp about any command
\tjournal\t\tPrint the journal of a unit in the cluster to stdout
\tlist-machines\tEnumerate the current hosts in the cluster
\tlist-unit-files\tList the units that exist in the cluster.
\tlist-units\tList the current state of units in the cluster
\tload\t\tSchedule one or more units in the cluster, first submitting them if necessary.
\trestart\t\tInstruct systemd to rolling restart one or more units in the cluster.
\tssh\t\tOpen interactive shell on a machine in the cluster
\tstart\t\tInstruct systemd to start one or more units in the cluster, first submitting and loading if necessary.
\tstatus\t\tOutput the status of one or more units in the cluster
\tstop\t\tInstruct systemd to stop one or more units in the cluster.
\tsubmit\t\tUpload one or more units to the cluster without starting them
\tunload\t\tUnschedule one or more units in the cluster.
\tverify\t\t
\tversion\t\tPrint the version and exit
`;

const ROOT = `NAME:
\tfleetctl - fleetctl is a command-line interface to fleet, the cluster-wide CoreOS init system.

USAGE:
\tfleetctl

VERSION:
\t1.0.0-shoal

${COMMANDS}
OPTIONS:
${GLOBAL}
`;

describe("fleetctl help", () => {
  it("prints fleet's usage for --help, -h, --h and help; bare fleetctl lacks the help command", async () => {
    for (const args of [["--help"], ["-h"], ["--h"], ["help"], ["he"]]) {
      expect(await fleetctl(...args), args.join(" ")).toEqual({
        code: 0,
        stdout: ROOT,
        stderr: "",
      });
    }
    expect(await fleetctl()).toEqual({
      code: 0,
      stdout: ROOT.replace("\thelp\t\tHelp about any command\n", ""),
      stderr: "",
    });
  });

  it("prints a command's usage: its description, its flags, then the global ones", async () => {
    const cat = `NAME:
\tcat - Output the contents of a submitted unit

USAGE:
\tfleetctl cat UNIT

DESCRIPTION:
\tOutputs the unit file that is currently loaded in the cluster. Useful to verify
\tthe correct version of a unit is running.

GLOBAL OPTIONS:
${GLOBAL}
`;
    expect(await fleetctl("help", "cat")).toEqual({ code: 0, stdout: cat, stderr: "" });
    expect((await fleetctl("cat", "--help")).stdout).toBe(cat);
    const journal = await fleetctl("help", "jour");
    expect(journal.stdout).toContain(`USAGE:
\tfleetctl journal [--lines=N] [--ssh-port=N] [-f|--follow] [--output=STRING] <unit>

DESCRIPTION:
\tOutputs the journal of a unit by connecting to the machine that the unit occupies.
\t
\tRead the last 10 lines:
`);
    expect(journal.stdout).toContain(`
OPTIONS:
      --f               Shorthand for --follow
      --follow          Continuously print new entries as they are appended to the journal.
      --lines int       Number of recent log lines to return (default 10)
      --output string   Output mode. This will be passed unaltered to journalctl on the remote host, and hence supports the same modes as that command. (default "short")
      --ssh-port int    Connect to remote hosts over SSH using this TCP port (default 22)
      --sudo            Execute journal command with sudo

GLOBAL OPTIONS:
`);
    expect((await fleetctl("journal", "-h")).stdout).toBe(journal.stdout);
    // A description line that is itself indented keeps its tab after the template's.
    expect((await fleetctl("help", "restart")).stdout).toContain(
      "\tRestart a single unit:\n\t\tfleetctl restart foo.service\n",
    );
  });

  it("answers an unknown topic, command or flag as cobra does, and exits 0 as fleetctl does", async () => {
    expect(await fleetctl("help", "nosuch")).toEqual({
      code: 0,
      stdout: ROOT,
      stderr: "Unknown help topic [`nosuch`].",
    });
    const strat = 'unknown command "strat" for "fleetctl"\n\nDid you mean this?\n\tstart\n';
    expect(await fleetctl("strat")).toEqual({
      code: 0,
      stdout: "",
      stderr: `Error: ${strat}\nRun 'fleetctl --help' for usage.\ncannot execute cmdFleet: ${strat}`,
    });
    expect((await fleetctl("list-u")).stderr).toContain(
      "Did you mean this?\n\tlist-unit-files\n\tlist-units\n\n",
    );
    const flag = await fleetctl("list-units", "--frob");
    expect(flag.code).toBe(0);
    expect(flag.stderr).toBe(
      "Error: unknown flag: --frob\n\ncannot execute cmdFleet: unknown flag: --frob\n",
    );
    expect(flag.stdout).toMatch(/^NAME:\n\tlist-units - List the current state of units/);
    expect((await fleetctl("--frob")).stdout).toBe(ROOT);
    const lines = await fleetctl("journal", "--lines", "ten", "hello");
    expect(lines).toMatchObject({
      code: 0,
      stderr:
        'Error: invalid argument "ten" for --lines: strconv.ParseInt: parsing "ten": invalid syntax\n\ncannot execute cmdFleet: invalid argument "ten" for --lines: strconv.ParseInt: parsing "ten": invalid syntax\n',
    });
    expect(lines.stdout).toMatch(/^NAME:\n\tjournal - /);
  });
});
