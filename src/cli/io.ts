/** The process's streams and environment, passed in so commands can be run in tests. */
export interface IO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** A signal aborted by Ctrl-C (SIGINT) or SIGTERM, for commands that must clean up first. */
  interrupts(): AbortSignal;
}

export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interrupts() {
      const controller = new AbortController();
      const abort = () => controller.abort();
      process.once("SIGINT", abort);
      process.once("SIGTERM", abort);
      return controller.signal;
    },
  };
}

/** `-o table|json`, shared by every command that lists. */
export type OutputFormat = "table" | "json";

export function writeJson(io: IO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
