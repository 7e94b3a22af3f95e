import type { IO } from "./io.js";

/**
 * A server command's life after its server started: print the ready line,
 * wait for SIGTERM or SIGINT, say so, and close the server. A server is the
 * one command that lives until a signal; it alone listens for them, from
 * before the ready line, so a parent that signals right after it is heard.
 */
export async function serveUntilSignal(
  io: IO,
  label: string,
  readyLine: string,
  close: () => Promise<void>,
): Promise<void> {
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  io.stdout.write(`${readyLine}\n`);
  const signal = await stopped;
  io.stderr.write(`${label}: ${signal}, shutting down\n`);
  await close();
}
