import { spawn } from "node:child_process";
import { ShoalError } from "../errors/index.js";

/** A command that could not start or exited non-zero, with the evidence kept. */
export class CommandError extends ShoalError {
  override name = "CommandError";
  constructor(
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
    cause?: Error,
  ) {
    const how = cause
      ? `could not start: ${cause.message}`
      : signal
        ? `was killed by ${signal}`
        : `exited with code ${code}`;
    super(`${argv.join(" ")} ${how}`, { cause });
  }

  /** The last lines of stderr, for printing under the message. */
  tail(lines = 10): string {
    return this.stderr.trimEnd().split("\n").slice(-lines).join("\n");
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Stream the child's output here as well as capturing it. */
  tee?: NodeJS.WritableStream;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs argv to completion and captures its output; rejects with a
 * CommandError when it cannot start, is killed, or exits non-zero.
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new TypeError("run: empty argv");
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.tee?.write(chunk);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.tee?.write(chunk);
    });
    child.on("error", (err) => reject(new CommandError(argv, null, null, stderr, err)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve({ stdout, stderr, code });
      else reject(new CommandError(argv, code, signal, stderr));
    });
    if (child.stdin) {
      // A child may exit before reading its input; that is its answer, not our error.
      child.stdin.on("error", () => {});
      child.stdin.end(options.input);
    }
  });
}
