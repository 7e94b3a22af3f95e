/**
 * locksmithctl v0.6: status, lock, unlock, set-max and help, with
 * locksmith's flags, words and exit codes, against the reboot lock in the
 * cluster's etcd v3.
 */

import { tabwrite } from "../../host/index.js";
import { type GoFlag, goFlagDefaults, goFlagsFromEnv, parseGoFlags } from "./go-flags.js";
import { etcdErrorText, type LockConnection, openRebootLock, type RebootLock } from "./store.js";

export const LOCKSMITHCTL_VERSION = "0.6.2+shoal";
export const DEFAULT_ENDPOINTS = ["http://127.0.0.1:2379", "http://127.0.0.1:4001"];

const FLAGS: GoFlag[] = [
  {
    name: "debug",
    kind: "bool",
    defValue: "false",
    usage: "Print out debug information to stderr.",
  },
  {
    name: "endpoint",
    kind: "list",
    defValue: DEFAULT_ENDPOINTS.join(","),
    usage: "etcd endpoint for locksmith. Specify multiple times to use multiple endpoints.",
  },
  { name: "etcd-keyfile", kind: "string", defValue: "", usage: "etcd key file authentication" },
  { name: "etcd-certfile", kind: "string", defValue: "", usage: "etcd cert file authentication" },
  { name: "etcd-cafile", kind: "string", defValue: "", usage: "etcd CA file authentication" },
  {
    name: "etcd-username",
    kind: "string",
    defValue: "",
    usage: "username for secure etcd communication",
  },
  {
    name: "etcd-password",
    kind: "string",
    defValue: "",
    usage: "password for secure etcd communication",
  },
  { name: "group", kind: "string", defValue: "", usage: "locksmith group" },
  { name: "version", kind: "bool", defValue: "false", usage: "Print the version and exit." },
];

export interface CtlIO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** This machine's /etc/machine-id, trimmed; undefined when it cannot be read. */
  machineId(): string | undefined;
  /** How the lock is reached; the real etcd unless a test says otherwise. */
  open?(conn: LockConnection): Promise<RebootLock>;
}

interface Command {
  name: string;
  summary: string;
  usage: string;
  description: string;
  run(args: string[], ctx: Context): Promise<number>;
}

interface Context {
  io: CtlIO;
  connect(): Promise<RebootLock | undefined>;
}

/** Runs `locksmithctl ARGS` and returns its exit status. */
export async function locksmithctl(args: readonly string[], io: CtlIO): Promise<number> {
  const parsed = parseGoFlags(FLAGS, args);
  if (!parsed.ok) {
    io.err(
      `${parsed.help ? "" : `${parsed.message}\n`}Usage of locksmithctl:\n${goFlagDefaults(FLAGS)}`,
    );
    return 2;
  }
  if (parsed.values.version) {
    io.out(`locksmithctl version ${LOCKSMITHCTL_VERSION}\n`);
    return 0;
  }
  goFlagsFromEnv(FLAGS, parsed, "LOCKSMITHCTL", io.env);
  const rest = parsed.rest.length > 0 ? parsed.rest : ["help"];
  const name = rest[0] as string;
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.out(
      `locksmithctl: unknown subcommand: ${JSON.stringify(name)}\nRun 'locksmithctl help' for usage.\n`,
    );
    return 2;
  }
  // Subcommands take no flags: any flag before the arguments is Go's error.
  const sub = parseGoFlags([], rest.slice(1));
  if (!sub.ok) {
    io.err(`${sub.help ? "" : `${sub.message}\n`}Usage:\n`);
    io.out(`${sub.message}\n`);
    return 2;
  }
  const v = parsed.values;
  const conn: LockConnection = {
    endpoints: (v.endpoint as string[] | undefined) ?? DEFAULT_ENDPOINTS,
    group: v.group as string | undefined,
    caFile: v["etcd-cafile"] as string | undefined,
    certFile: v["etcd-certfile"] as string | undefined,
    keyFile: v["etcd-keyfile"] as string | undefined,
    username: v["etcd-username"] as string | undefined,
    password: v["etcd-password"] as string | undefined,
  };
  const opened: RebootLock[] = [];
  const ctx: Context = {
    io,
    async connect() {
      try {
        const bad = conn.endpoints.find((e) => !/^https?:\/\/[^/]+/.test(e));
        if (bad !== undefined)
          throw new Error(`endpoint ${JSON.stringify(bad)} is not an etcd URL (http://HOST:PORT)`);
        const lock = await (io.open ?? openRebootLock)(conn);
        opened.push(lock);
        return lock;
      } catch (err) {
        io.err(`Error initializing etcd client: ${message(err)}\n`);
        return undefined;
      }
    },
  };
  try {
    return await cmd.run(sub.rest, ctx);
  } finally {
    for (const lock of opened) lock.close();
  }
}

const message = etcdErrorText;

/** lock and unlock: this machine's id unless one is given. */
function holderCommand(
  name: "lock" | "unlock",
  summary: string,
  description: string,
  failure: string,
): Command {
  return {
    name,
    summary,
    usage: "<machine-id>",
    description,
    async run(args, { io, connect }) {
      const lock = await connect();
      if (!lock) return 1;
      const id = args[0] ?? io.machineId();
      if (!id) {
        io.err("Cannot read machine-id\n");
        return 1;
      }
      try {
        await (name === "lock" ? lock.lock(id) : lock.unlock(id));
        return 0;
      } catch (err) {
        io.err(`${failure} ${message(err)}\n`);
        return 1;
      }
    },
  };
}

const COMMANDS: Command[] = [
  {
    name: "help",
    summary: "Show a list of commands or help for one command",
    usage: "[COMMAND]",
    description: "Show a list of commands or detailed help for one command",
    async run(args, { io }) {
      if (args.length === 0) {
        io.out(globalUsage());
        return 0;
      }
      const cmd = COMMANDS.find((c) => c.name === args[0]);
      if (!cmd) {
        io.out(`Unrecognized command: ${args[0]}\n`);
        return 1;
      }
      io.out(commandUsage(cmd));
      return 0;
    },
  },
  holderCommand(
    "lock",
    "Lock this machine or a given machine-id for reboot.",
    "Lock is for manual locking of the reboot lock for this machine or a given\nmachine-id. Under normal operation this should not be necessary.",
    "Error locking:",
  ),
  {
    name: "set-max",
    summary: "Set the maximum number of lock holders",
    usage: "UNIT",
    description:
      "Set the maximum number of machines that can be rebooting at a given time. This\ncan be set at any time and will not affect current holders of the lock.",
    async run(args, { io, connect }) {
      if (args.length !== 1) {
        io.err("New maximum value must be set.\n");
        return 1;
      }
      const lock = await connect();
      if (!lock) return 1;
      const text = args[0] as string;
      const max = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(max)) {
        io.err(`Invalid maximum value: ${text}\n`);
        return 1;
      }
      try {
        const { before, after } = await lock.setMax(max);
        io.out(`Old-Max: ${before.max}\nMax: ${after.max}\n`);
        return 0;
      } catch (err) {
        io.err(`Error setting value: ${message(err)}\n`);
        return 1;
      }
    },
  },
  {
    name: "status",
    summary: "Get the status of the cluster wide reboot lock.",
    usage: "",
    description:
      "Status will return the number of locks that are held and available and a list of the holders.",
    async run(_args, { io, connect }) {
      const lock = await connect();
      if (!lock) return 1;
      try {
        const sem = await lock.get();
        const holders = sem.holders ?? [];
        const list = holders.length > 0 ? `\nMACHINE ID\n${holders.join("\n")}\n` : "";
        io.out(`Available: ${sem.semaphore}\nMax: ${sem.max}\n${list}`);
        return 0;
      } catch (err) {
        // locksmith's own words for a failed read (it reuses set-max's).
        io.err(`Error setting value: ${message(err)}\n`);
        return 1;
      }
    },
  },
  holderCommand(
    "unlock",
    "Unlock this machine or a given machine-id for reboot.",
    "Unlock is for manual unlocking of the reboot unlock for this machine or a\ngiven machine-id. Under normal operation this should not be necessary.",
    "Error unlocking:",
  ),
];

function globalUsage(): string {
  const sorted = [...FLAGS].sort((a, b) => (a.name < b.name ? -1 : 1));
  return tabwrite(
    [
      "NAME:",
      "\tlocksmithctl - Manage the cluster wide reboot lock.",
      "",
      "USAGE: ",
      "\tlocksmithctl [global options] <command> [command options] [arguments...]",
      "",
      "VERSION:",
      `\t${LOCKSMITHCTL_VERSION}`,
      "",
      `COMMANDS:${COMMANDS.map((c) => `\n\t${c.name}\t${c.summary}`).join("")}`,
      "",
      `GLOBAL OPTIONS:${sorted.map((f) => `\n\t--${f.name}=${f.defValue}\t${f.usage}`).join("")}`,
      "",
      'Run "locksmithctl help <command>" for more details on a specific command.',
      "",
    ].join("\n"),
  );
}

function commandUsage(cmd: Command): string {
  const description = cmd.description
    .trim()
    .split("\n")
    .map((l) => `\t${l}\n`)
    .join("");
  return `NAME:\n\t${cmd.name} - ${cmd.summary}\n\nUSAGE:\n\tlocksmithctl ${cmd.name} ${cmd.usage}\n\nDESCRIPTION:\n${description}\nFor help on global options run "locksmithctl help"\n`;
}
