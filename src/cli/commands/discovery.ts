import { join } from "node:path";
import { Command, Option } from "commander";
import { DEFAULTS, newToken, parseListen, startDiscoveryServer } from "../../discovery/index.js";
import { UsageError } from "../../errors/index.js";
import { parseCount, parseDuration, stateDir } from "../../host/index.js";
import type { IO } from "../io.js";
import { serveUntilSignal } from "../serve.js";

interface ServeFlags {
  listen: string;
  store?: string;
  publicUrl?: string;
  tokenTtl: string;
  maxSize: string;
  newRate: string;
  listenFd?: string;
  token?: string[];
}

/** `--token TOKEN:SIZE`, a token to create before serving. */
function parseTokenFlag(text: string): { token: string; size: number } {
  const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`bad --token "${text}": expected TOKEN:SIZE`);
  return { token: m[1] as string, size: parseCount(m[2] as string, "--token", 1, 10_000) };
}

export function discoveryCommand(io: IO, setExit: (code: number) => void): Command {
  // Subcommands copy these settings from their parent when created, so set them first.
  const cmd = new Command("discovery")
    .description("an etcd discovery service (discovery.etcd.io compatible) and its client")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  cmd
    .command("serve")
    .description("run the discovery server until SIGTERM or SIGINT")
    .option("--listen <host:port>", "address to listen on", `127.0.0.1:${DEFAULTS.port}`)
    .option(
      "--store <spec>",
      "sqlite:PATH or etcd:URL[,URL...] (default: sqlite in the state directory)",
    )
    .option(
      "--public-url <url>",
      "prefix of the token URLs /new hands out (default: from --listen)",
    )
    .option("--token-ttl <duration>", "how long a token lives, e.g. 7d, 12h", "7d")
    .option("--max-size <n>", "largest cluster size /new accepts", String(DEFAULTS.maxSize))
    .option(
      "--new-rate <n>",
      "new tokens per minute per client address; 0 = no limit",
      String(DEFAULTS.newRate),
    )
    // For `shoal up`, which binds the socket and names the first token before this loads.
    .addOption(new Option("--listen-fd <fd>", "serve on this inherited socket").hideHelp())
    .addOption(
      new Option("--token <token:size>", "create this token before serving")
        .hideHelp()
        .argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .action(async (flags: ServeFlags) => {
      const server = await startDiscoveryServer({
        listen: parseListen(flags.listen),
        ...(flags.listenFd !== undefined
          ? { listenFd: parseCount(flags.listenFd, "--listen-fd", 3, 1024) }
          : {}),
        tokens: (flags.token ?? []).map(parseTokenFlag),
        store: flags.store ?? `sqlite:${join(stateDir(io.env), "discovery.db")}`,
        publicUrl: flags.publicUrl,
        tokenTtlMs: parseDuration(flags.tokenTtl, "--token-ttl"),
        maxSize: parseCount(flags.maxSize, "--max-size", 1, 10_000),
        newRate: parseCount(flags.newRate, "--new-rate", 0),
        onError: (err) =>
          io.stderr.write(`shoal discovery: ${err instanceof Error ? err.message : String(err)}\n`),
      });
      await serveUntilSignal(
        io,
        "shoal discovery",
        `discovery server listening on ${server.url}`,
        () => server.close(),
      );
      setExit(0);
    });
  cmd
    .command("new")
    .description("print a new discovery token URL, as `curl SERVER/new?size=N` does")
    .option("--size <n>", "cluster size", "3")
    .option("--server <url>", "discovery server", `http://127.0.0.1:${DEFAULTS.port}`)
    .action(async (flags: { size: string; server: string }) => {
      const size = parseCount(flags.size, "--size", 1);
      io.stdout.write(`${await newToken(flags.server, size)}\n`);
      setExit(0);
    });
  return cmd;
}
