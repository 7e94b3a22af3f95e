/**
 * Progress of long work, per machine, like kind's status: on a terminal one
 * live line per machine, redrawn in place; elsewhere (logs, CI, pipes)
 * vagrant's plain `==> core-01: ...` lines, one per change.
 */
export interface Progress {
  /** The step of the whole run now under way, e.g. "start machines" (shown on a terminal). */
  step(name: string): void;
  /**
   * A machine's current state, e.g. "booting" or "etcd member healthy";
   * `settled` when nothing more is coming for it (no spinner).
   */
  machine(name: string, text: string, settled?: Settled): void;
  /** A line about the whole cluster. */
  say(text: string): void;
  /** Stops redrawing; what is on screen stays. */
  done(): void;
}

/** Whether a machine's line is final: "working" shows a spinner, "done" does not. */
export type Settled = "working" | "done";

export function progressFor(out: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  return out.isTTY ? new LiveProgress(out) : new PlainProgress(out);
}

class PlainProgress implements Progress {
  private readonly last = new Map<string, string>();
  constructor(private readonly out: NodeJS.WritableStream) {}
  // Logs keep vagrant's lines only: the machines' lines already say what each step did.
  step(): void {}
  machine(name: string, text: string): void {
    if (this.last.get(name) === text) return;
    this.last.set(name, text);
    this.out.write(`==> ${name}: ${text}\n`);
  }
  say(text: string): void {
    this.out.write(`${text}\n`);
  }
  done(): void {}
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

class LiveProgress implements Progress {
  private readonly lines = new Map<string, { text: string; settled: Settled }>();
  private current: string | undefined;
  private drawn = 0;
  private frame = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly out: NodeJS.WritableStream) {
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }
  step(name: string): void {
    this.current = name;
    this.draw();
  }
  machine(name: string, text: string, settled: Settled = "working"): void {
    this.lines.set(name, { text, settled });
    this.draw();
  }
  say(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw();
  }
  done(): void {
    clearInterval(this.timer);
    this.current = undefined;
    this.draw(true);
  }
  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }
  private draw(final = false): void {
    this.clear();
    const spin = SPINNER[this.frame++ % SPINNER.length] as string;
    let count = 0;
    if (this.current !== undefined) {
      this.out.write(`${spin} ${this.current}\n`);
      count++;
    }
    for (const [name, { text, settled }] of this.lines) {
      const mark = settled === "done" || final ? " " : spin;
      this.out.write(`${mark} ${name}: ${text}\n`);
      count++;
    }
    this.drawn = final ? 0 : count;
  }
}
