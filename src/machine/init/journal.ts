import { EventEmitter } from "node:events";
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";

/**
 * The machine's journal: one file per unit under journal/, one line per
 * record, in journalctl's short-iso style:
 * `2026-11-25T18:20:39.123Z core-01 etcd2.service[1234]: message`.
 */
export class Journal extends EventEmitter {
  private readonly streams = new Map<string, WriteStream>();

  constructor(
    readonly dir: string,
    private readonly hostname: string,
  ) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  /** Appends one record; `pid` is the process that said it (the init's own messages have none). */
  write(unit: string, message: string, pid?: number): void {
    const ident = pid === undefined ? `${unit}` : `${unit}[${pid}]`;
    // One record, one line: a message with line breaks stays one record.
    const text = message.replace(/\r?\n/g, " ");
    const line = `${new Date().toISOString()} ${this.hostname} ${ident}: ${text}`;
    let stream = this.streams.get(unit);
    if (!stream) {
      stream = createWriteStream(journalFile(this.dir, unit), { flags: "a" });
      stream.on("error", () => {}); // a full disk must not take the init down
      this.streams.set(unit, stream);
    }
    stream.write(`${line}\n`);
    this.emit("line", unit, line);
  }

  /** Resolves once every record written so far is on disk. */
  async flush(): Promise<void> {
    // An empty write's callback runs once everything queued before it is written.
    await Promise.all(
      [...this.streams.values()].map(
        (s) => new Promise<void>((resolve) => s.write("", () => resolve())),
      ),
    );
  }

  close(): Promise<void> {
    const all = [...this.streams.values()].map((s) => new Promise<void>((r) => s.end(r)));
    this.streams.clear();
    return Promise.all(all).then(() => undefined);
  }
}

export function journalFile(dir: string, unit: string): string {
  return join(dir, `${unit}.log`);
}

/** The last `lines` records of a unit (all when undefined), read from disk. */
export function readJournal(dir: string, unit: string, lines?: number): string[] {
  let text: string;
  try {
    text = readFileSync(journalFile(dir, unit), "utf8");
  } catch {
    // No journal file yet: the unit has said nothing.
    return [];
  }
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return lines === undefined ? all : all.slice(Math.max(0, all.length - lines));
}
