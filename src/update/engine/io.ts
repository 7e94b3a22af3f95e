/**
 * The engine's I/O, behind small interfaces so the flow can run against a
 * machine's real directories now and inside the agent later: the slot
 * directories and their table, update_engine's prefs, and HTTP.
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { exchange, openStream } from "../../host/index.js";
import { newSlotTable, type SlotName, type SlotTable } from "./slots.js";

/** USR-A and USR-B as directories (`DIR/a`, `DIR/b`) and their table (`DIR/slots.json`). */
export class SlotDirs {
  constructor(readonly dir: string) {}

  path(slot: SlotName): string {
    return join(this.dir, slot);
  }

  /** The table; a machine without one starts with USR-A holding `version`. */
  read(version: string): SlotTable {
    const file = join(this.dir, "slots.json");
    if (!existsSync(file)) return newSlotTable(version);
    return JSON.parse(readFileSync(file, "utf8")) as SlotTable;
  }

  write(table: SlotTable): void {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, "slots.json");
    writeFileSync(`${file}.tmp`, `${JSON.stringify(table, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  /** Replaces the slot's tree with `tree` (a directory beside it) in one rename. */
  replace(slot: SlotName, tree: string): void {
    const target = this.path(slot);
    const old = `${target}.old`;
    rmSync(old, { recursive: true, force: true });
    if (existsSync(target)) renameSync(target, old);
    renameSync(tree, target);
    rmSync(old, { recursive: true, force: true });
  }
}

/** update_engine's prefs: one small file per key. */
export class Prefs {
  constructor(readonly dir: string) {}

  get(key: string): string | undefined {
    const file = join(this.dir, key);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  }

  set(key: string, value: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, key), value);
  }

  delete(key: string): void {
    rmSync(join(this.dir, key), { force: true });
  }
}

export interface Http {
  /** POSTs `body` as text/xml; the status and the answer's text. Throws when there is no answer. */
  post(url: string, body: string): Promise<{ status: number; body: string }>;
  /**
   * Streams `url` into `file`, at most `limit` bytes (more is an error);
   * `progress(bytes)` as it goes. The number of bytes written.
   */
  download(
    url: string,
    file: string,
    limit: number,
    progress: (bytes: number) => void,
  ): Promise<number>;
}

export class TooLarge extends Error {}

/** Redirects a download follows, as fetch() did (a mirror may send the payload elsewhere). */
const MAX_REDIRECTS = 5;

/**
 * Http over node:http (host/http), which the agent has loaded anyway:
 * fetch() would load undici at the first check, ~11 MB that an idle
 * machine then keeps (bench/memory).
 */
export const nodeHttp: Http = {
  async post(url, body) {
    const answer = await exchange(url, {
      text: body,
      headers: { "content-type": "text/xml" },
      timeoutMs: 60_000,
    });
    return { status: answer.status, body: answer.text };
  },
  async download(url, file, limit, progress) {
    let { res, close } = await openStream(url, { timeoutMs: 60_000 });
    for (let hops = 0; isRedirect(res.statusCode) && res.headers.location; hops++) {
      close();
      if (hops === MAX_REDIRECTS)
        throw new Error(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(res.headers.location, url).href;
      ({ res, close } = await openStream(url, { timeoutMs: 60_000 }));
    }
    if (res.statusCode !== 200) {
      close();
      throw new Error(`GET ${url}: HTTP ${res.statusCode}`);
    }
    // The whole download's bound, as the wait for its headers has its own.
    const deadline = setTimeout(
      () => res.destroy(new Error(`GET ${url}: no end in 30 minutes`)),
      30 * 60_000,
    );
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > limit) return done(new TooLarge(`more than the ${limit} bytes announced`));
        progress(bytes);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res, count, createWriteStream(file));
    } finally {
      clearTimeout(deadline);
      close();
    }
    return bytes;
  },
};

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
