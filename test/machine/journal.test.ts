import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, readJournal } from "../../src/machine/init/journal.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("journal", () => {
  it("keeps one line per record per unit, readable from the end, and announces each record", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shoal-journal-"));
    dirs.push(dir);
    const journal = new Journal(join(dir, "journal"), "core-01");
    const heard: string[] = [];
    journal.on("line", (unit: string, line: string) => heard.push(`${unit} ${line}`));
    journal.write("a.service", "first", 42);
    journal.write("a.service", "two\nlines");
    journal.write("b.service", "other unit");
    await journal.flush();
    const a = readJournal(join(dir, "journal"), "a.service");
    expect(a).toHaveLength(2);
    expect(a[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z core-01 a\.service\[42\]: first$/);
    expect(a[1]).toMatch(/ core-01 a\.service: two lines$/);
    expect(readJournal(join(dir, "journal"), "a.service", 1)).toEqual([a[1]]);
    expect(readJournal(join(dir, "journal"), "a.service", 0)).toEqual([]);
    expect(readJournal(join(dir, "journal"), "nothing.service")).toEqual([]);
    expect(heard).toHaveLength(3);
    expect(heard[2]).toMatch(/^b\.service .* core-01 b\.service: other unit$/);
    await journal.close();
  });
});
