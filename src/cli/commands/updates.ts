import { join } from "node:path";
import { Command, Option } from "commander";
import { parseListen } from "../../discovery/index.js";
import { InputError } from "../../errors/index.js";
import { parseCount, parseDuration, stateDir } from "../../host/index.js";
import {
  CHANNELS,
  channelRows,
  clusterMachineRows,
  DEFAULT_PORT,
  ensureBaseReleases,
  isChannel,
  machineRows,
  publishRelease,
  renderChannels,
  renderMachines,
  startUpdateServer,
  UpdateStore,
} from "../../update/index.js";
import { type IO, type OutputFormat, writeJson } from "../io.js";
import { serveUntilSignal } from "../serve.js";
import { packageVersion } from "../version.js";

const storeOption = () =>
  new Option(
    "--store <dir>",
    "the update store directory (default: updates/ in the state directory)",
  );
const outputOption = () =>
  new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table");

async function withStore<T>(
  io: IO,
  dir: string | undefined,
  fn: (s: UpdateStore) => Promise<T> | T,
): Promise<T> {
  const store = await UpdateStore.open(dir ?? join(stateDir(io.env), "updates"));
  try {
    // As the server does on start: a channel nothing was published to holds the base release.
    await ensureBaseReleases(store, packageVersion(), Date.now());
    return await fn(store);
  } finally {
    store.close();
  }
}

export function updatesCommand(io: IO, setExit: (code: number) => void): Command {
  const cmd = new Command("updates")
    .description("release channels: the Omaha update server, publishing, rollout state")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd
    .command("serve")
    .description("run the Omaha update server until SIGTERM or SIGINT")
    .option("--listen <host:port>", "address to listen on", `127.0.0.1:${DEFAULT_PORT}`)
    .addOption(storeOption())
    .option("--public-url <url>", "where machines reach this server (default: from --listen)")
    .option("--poll-interval <duration>", "PollInterval sent to machines, e.g. 10m (default: none)")
    // For `shoal up`, which binds the socket before this loads.
    .addOption(new Option("--listen-fd <fd>", "serve on this inherited socket").hideHelp())
    .action(
      async (flags: {
        listen: string;
        listenFd?: string;
        store?: string;
        publicUrl?: string;
        pollInterval?: string;
      }) => {
        const server = await startUpdateServer({
          listen: parseListen(flags.listen),
          ...(flags.listenFd !== undefined
            ? { listenFd: parseCount(flags.listenFd, "--listen-fd", 3, 1024) }
            : {}),
          store: flags.store ?? join(stateDir(io.env), "updates"),
          publicUrl: flags.publicUrl,
          ...(flags.pollInterval !== undefined
            ? { pollIntervalMs: parseDuration(flags.pollInterval, "--poll-interval") }
            : {}),
          baseVersion: packageVersion(),
          onError: (err) =>
            io.stderr.write(`shoal updates: ${err instanceof Error ? err.message : String(err)}\n`),
        });
        await serveUntilSignal(
          io,
          "shoal updates",
          `update server listening on ${server.url}`,
          () => server.close(),
        );
        setExit(0);
      },
    );
  cmd
    .command("check")
    .description("ask machines' update-engine to check for an update now")
    .argument("[names...]", "only these machines (default: every machine of the cluster here)")
    .action(async (names: string[]) => {
      const { checkForUpdates } = await import("../../cluster/index.js");
      const answers = await checkForUpdates(io.cwd, io.env, names);
      for (const a of answers) {
        if (a.error) io.stderr.write(`${a.name}: ${a.error}\n`);
        else io.stdout.write(`${a.name}: checking for updates (${a.status})\n`);
      }
      setExit(answers.some((a) => a.error) ? 1 : 0);
    });
  cmd
    .command("publish")
    .description("publish a release (a /usr tree: directory or .tar.gz) to a channel")
    .argument("<path>", "the release's files, relative to /usr")
    .requiredOption("--channel <channel>", CHANNELS.join(", "))
    .requiredOption("--version <version>", "MAJOR.MINOR.PATCH, greater than the channel's current")
    .option("--force", "publish even when the version is not greater than the current one")
    .addOption(storeOption())
    .action(
      async (
        path: string,
        flags: { channel: string; version: string; force?: boolean; store?: string },
      ) => {
        const release = await withStore(io, flags.store, (store) =>
          publishRelease(store, {
            channel: flags.channel,
            version: flags.version,
            source: path,
            force: flags.force,
            now: Date.now(),
          }),
        );
        io.stdout.write(
          `published ${release.version} to ${release.channel} (${release.size} bytes, sha256 ${release.sha256})\n`,
        );
        setExit(0);
      },
    );
  cmd
    .command("channels")
    .description("each channel's release, rollout state and machines per version")
    .addOption(storeOption())
    .addOption(outputOption())
    .action(async (flags: { store?: string; output: OutputFormat }) => {
      const rows = await withStore(io, flags.store, (s) =>
        channelRows(
          CHANNELS.map((c) => s.channel(c)),
          s.instances(),
        ),
      );
      if (flags.output === "json") writeJson(io, rows);
      else io.stdout.write(renderChannels(rows));
      setExit(0);
    });
  cmd
    .command("resume")
    .description("resume a channel's rollout paused by a failed update")
    .argument("<channel>", CHANNELS.join(", "))
    .addOption(storeOption())
    .action(async (channel: string, flags: { store?: string }) => {
      if (!isChannel(channel))
        throw new InputError(
          `unknown channel "${channel}"`,
          { file: "CHANNEL" },
          `use one of ${CHANNELS.join(", ")}`,
        );
      const { resumed, version } = await withStore(io, flags.store, (s) => ({
        resumed: s.resume(channel),
        version: s.channel(channel)?.release.version ?? "",
      }));
      io.stdout.write(
        resumed
          ? `${channel}: rollout of ${version} resumed\n`
          : `${channel}: rollout of ${version} was not paused\n`,
      );
      setExit(0);
    });
  cmd
    .command("status")
    .description(
      "each machine's update state: in a cluster's directory its machines as they are now, elsewhere every machine the update server heard from",
    )
    .addOption(storeOption())
    .addOption(outputOption())
    .action(async (flags: { store?: string; output: OutputFormat }) => {
      const { clusterUpdates } = await import("../../cluster/index.js");
      const [instances, cluster] = await Promise.all([
        withStore(io, flags.store, (s) => s.instances()),
        clusterUpdates(io.cwd, io.env),
      ]);
      const rows = cluster
        ? clusterMachineRows(cluster.machines, instances, cluster.rebootLock?.holders)
        : machineRows(instances);
      if (flags.output === "json") writeJson(io, rows);
      else io.stdout.write(renderMachines(rows));
      setExit(0);
    });
  return cmd;
}
