import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The units an agent has loaded into its machine's init, one small file
 * per unit in a directory under the machine's /run (fleet kept its unit
 * files in /run/fleet/units for the same reason): a fleetd that was killed
 * and started again finds what its predecessor left running, and unloads
 * what is no longer its own instead of leaving it to run twice.
 */
export interface RecordedUnit {
  hash: string;
  global: boolean;
}

export class LocalRecord {
  constructor(private readonly dir: string) {}

  read(): Map<string, RecordedUnit> {
    const out = new Map<string, RecordedUnit>();
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return out; // no directory: nothing was recorded yet
    }
    for (const name of names) {
      try {
        const rec = JSON.parse(readFileSync(join(this.dir, name), "utf8")) as RecordedUnit;
        if (typeof rec.hash === "string")
          out.set(name, { hash: rec.hash, global: rec.global === true });
      } catch {
        rmSync(join(this.dir, name), { force: true }); // half-written by a killed fleetd: forget it
      }
    }
    return out;
  }

  add(name: string, rec: RecordedUnit): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, name), JSON.stringify(rec));
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }
}
