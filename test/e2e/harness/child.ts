/**
 * A child process a test owns: bounded log capture, wait-for-line, exit
 * promise, and stop (SIGTERM, then SIGKILL) / kill by its own pid only.
 */
import { type ChildProcess, spawn } from "node:child_process";

const LOG_LIMIT = 256 * 1024;

/**
 * Children still running when this process exits (a crashed bench, a killed
 * test worker): killed by pid on the way out, so nothing outlives its owner.
 */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) if (child.pid) child.kill("SIGKILL");
});

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class OwnedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private output = "";
  private exit: Exit | undefined;
  private listeners = new Set<() => void>();

  constructor(
    readonly argv: readonly string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ) {
    const [bin, ...args] = argv;
    if (!bin) throw new Error("empty argv");
    this.child = spawn(bin, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this.child);
    const append = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      if (this.output.length > LOG_LIMIT) this.output = this.output.slice(-LOG_LIMIT / 2);
      for (const fn of this.listeners) fn();
    };
    this.child.stdout?.on("data", append);
    this.child.stderr?.on("data", append);
    this.exited = new Promise((resolve) => {
      this.child.on("error", (err) => {
        this.output += `\nspawn error: ${err.message}\n`;
        this.exit = { code: -1, signal: null };
        resolve(this.exit);
      });
      this.child.on("exit", (code, signal) => {
        live.delete(this.child);
        this.exit = { code, signal };
        for (const fn of this.listeners) fn();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Everything the process wrote to stdout and stderr (the last 128-256 KiB). */
  logs(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(this.output);
        if (m) return done(() => resolve(m));
        if (this.exit) {
          done(() =>
            reject(
              new Error(
                `${this.argv[0]} exited (${JSON.stringify(this.exit)}) before printing ${pattern}:\n${this.output.slice(-4000)}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `timed out waiting for ${pattern} from ${this.argv[0]}:\n${this.output.slice(-4000)}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        fn();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for exit; rejects after timeoutMs. */
  async waitExit(timeoutMs = 30_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.argv[0]} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running && this.child.pid) this.child.kill(sig);
  }

  /** SIGSTOP: the process stays but answers nothing (a hung peer). */
  pause(): void {
    this.signal("SIGSTOP");
  }

  resume(): void {
    this.signal("SIGCONT");
  }

  /** SIGTERM, then SIGKILL if it is still running after graceMs. */
  async stop(graceMs = 5_000): Promise<Exit> {
    if (!this.running) return this.exit as Exit;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL, and wait for the exit. */
  async kill(): Promise<Exit> {
    this.signal("SIGCONT"); // a paused process must not outlive its owner
    this.signal("SIGKILL");
    return this.exited;
  }
}
