import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI, as a user runs it (`npm test` builds it before vitest starts). */
export const SHOAL_BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

/** A user account to run the CLI as. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shoal ARGS` in a child process and collects its output. */
export function shoal(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; user?: Account } = {},
): Promise<CliResult> {
  return runProgram([process.execPath, SHOAL_BIN, ...args], options);
}

/** Runs a program (argv[0] a path) in a child process and collects its output. */
export function runProgram(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; user?: Account } = {},
): Promise<CliResult> {
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      // As another (unprivileged) user: node drops supplementary groups and sets gid, then uid.
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on("error", () => {}); // the CLI may exit before reading stdin
    child.stdin.end(options.input ?? "");
  });
}
