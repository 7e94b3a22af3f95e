/**
 * Progress of long work, per machine, like kind's status: on a terminal one
 * live line per machine, redrawn in place; elsewhere (logs, CI, pipes)
 * vagrant's plain `==> core-01: ...` lines, one per change.
 */
export interface Progress {
  /** A machine's current step, e.g. "booting" or "etcd member healthy". */
  machine(name: string, text: string): void;
  /** A line about the whole cluster. */
  say(text: string): void;
  /** Stops redrawing; what is on screen stays. */
  done(): void;
}

export function progressFor(out: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  return out.isTTY ? new LiveProgress(out) : new PlainProgress(out);
}

class PlainProgress implements Progress {
  private readonly last = new Map<string, string>();
  constructor(private readonly out: NodeJS.WritableStream) {}
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
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private frame = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly out: NodeJS.WritableStream) {
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }
  machine(name: string, text: string): void {
    this.lines.set(name, text);
    this.draw();
  }
  say(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw();
  }
  done(): void {
    clearInterval(this.timer);
    this.draw(true);
  }
  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }
  private draw(final = false): void {
    this.clear();
    const spin = SPINNER[this.frame++ % SPINNER.length];
    for (const [name, text] of this.lines) {
      const finished = final || /ready|healthy|running|failed|timed out/.test(text);
      this.out.write(`${finished ? " " : spin} ${name}: ${text}\n`);
    }
    this.drawn = final ? 0 : this.lines.size;
  }
}
