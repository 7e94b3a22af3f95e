import { DEFAULT_PREFIX } from "./registry.js";

/** fleetctl v1.0's flags: how pflag describes one, and the global ones, in upstream's words. */

export interface Flag {
  name: string;
  short?: string;
  /** Go's type name as pflag prints it ("" for bool). */
  type: "" | "string" | "int" | "float";
  /** Go's DefValue; undefined for the type's zero value, which pflag does not print. */
  def?: string;
  usage: string;
}

export const bool = (name: string, usage: string, def?: string): Flag => ({
  name,
  type: "",
  usage,
  ...(def ? { def } : {}),
});
export const string = (name: string, usage: string, def?: string): Flag => ({
  name,
  type: "string",
  usage,
  ...(def ? { def } : {}),
});
export const int = (name: string, usage: string, def?: string): Flag => ({
  name,
  type: "int",
  usage,
  ...(def ? { def } : {}),
});

export const ROOT_SHORT =
  "fleetctl is a command-line interface to fleet, the cluster-wide CoreOS init system.";

export const GLOBAL_FLAGS: Flag[] = [
  bool("help", "Print usage information and exit"),
  bool("h", "Print usage information and exit"),
  bool("debug", "Print out more debug information to stderr"),
  bool("version", "Print the version and exit"),
  string(
    "driver",
    'Adapter used to execute fleetctl commands. Options include "API" and "etcd".',
    "API",
  ),
  string(
    "endpoint",
    "Location of the fleet API if --driver=API. Alternatively, if --driver=etcd, location of the etcd API.",
    "unix:///var/run/fleet.sock",
  ),
  string(
    "etcd-key-prefix",
    "Keyspace for fleet data in etcd (development use only!)",
    DEFAULT_PREFIX,
  ),
  string(
    "key-file",
    "Location of TLS key file used to secure communication with the fleet API or etcd",
  ),
  string(
    "cert-file",
    "Location of TLS cert file used to secure communication with the fleet API or etcd",
  ),
  string(
    "ca-file",
    "Location of TLS CA file used to secure communication with the fleet API or etcd",
  ),
  string(
    "known-hosts-file",
    "File used to store remote machine fingerprints. Ignored if strict host key checking is disabled.",
    "~/.fleetctl/known_hosts",
  ),
  bool(
    "strict-host-key-checking",
    "Verify host keys presented by remote machines before initiating SSH connections.",
    "true",
  ),
  {
    name: "ssh-timeout",
    type: "float",
    def: "10",
    usage: "Amount of time in seconds to allow for SSH connection initialization before failing.",
  },
  string(
    "tunnel",
    "Establish an SSH tunnel through the provided address for communication with fleet and etcd.",
  ),
  {
    name: "request-timeout",
    type: "float",
    def: "3",
    usage: "Amount of time in seconds to allow a single request before considering it failed.",
  },
  string("ssh-username", "Username to use when connecting to CoreOS instance.", "core"),
  bool("experimental-api", "DEPRECATED: do not use this flag.", "true"),
  string("etcd-keyfile", "DEPRECATED: do not use this flag."),
  string("etcd-certfile", "DEPRECATED: do not use this flag."),
  string("etcd-cafile", "DEPRECATED: do not use this flag."),
  string("on", "Run this fleetctl inside that machine of the cluster here (shoal)."),
];
