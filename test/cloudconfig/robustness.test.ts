import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCloudConfig, plan, validate } from "../../src/cloudconfig/index.js";
import { InputError } from "../../src/errors/index.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/cloudinit/${name}`, import.meta.url), "utf8");
const seeds: string[] = [
  ...(JSON.parse(fixture("validate-vectors.json")) as { input: string }[]).map((v) => v.input),
  fixture("user-data.sample"),
  fixture("user-data-2014.sample"),
];

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ":",
  "- ",
  "[",
  "]",
  "{",
  "}",
  '"',
  "'",
  "\t",
  "\n",
  "  ",
  "&a ",
  "*a",
  "!!binary ",
  "!!int ",
  "<<: *a",
  "|",
  ">",
  "? ",
  "#",
  ",",
  "~",
  "\r\n",
  "---\n",
  "%",
  "\\",
  "\0",
  "coreos:",
  "units:",
  "command: ",
  "write_files:",
  "encoding: gzip",
  "content: ",
  "users:",
  "etcd:",
  "discovery: ",
  "- name: x",
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const piece = PIECES[Math.floor(next() * PIECES.length)] ?? "";
    out =
      next() < 0.7
        ? out.slice(0, at) + piece + out.slice(at)
        : out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 5));
  }
  return out;
}

describe("no input crashes the validator", () => {
  it("survives thousands of mutated vectors, with positions inside the text", () => {
    const next = rng(20261125);
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[i % seeds.length] ?? "";
      const input =
        i % 7 === 0
          ? `#cloud-config\n${mutate(seed.replace(/^#cloud-config\n?/, ""), next)}`
          : mutate(seed, next);
      let entries: ReturnType<typeof validate>["entries"];
      try {
        entries = validate(input).entries;
        const { config } = parseCloudConfig(input);
        try {
          plan(config, { hostname: "h", machineId: "m" });
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
        }
      } catch (err) {
        throw new Error(`crashed on ${JSON.stringify(input)}: ${(err as Error).stack}`);
      }
      const lines = input.split("\n").length;
      for (const e of entries) {
        expect(e.line, JSON.stringify(input)).toBeGreaterThanOrEqual(1);
        expect(e.line, JSON.stringify(input)).toBeLessThanOrEqual(lines + 1);
        expect(e.column).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("survives absurd nesting and alias bombs", () => {
    const deep = `#cloud-config\ncoreos: ${"[".repeat(20000)}`;
    expect(validate(deep).entries).toHaveLength(1);
    const bomb = ["#cloud-config", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    bomb.push("users: [*m, *m]");
    const entries = validate(bomb.join("\n")).entries;
    expect(entries.filter((e) => e.message.startsWith("unrecognized key"))).toHaveLength(13);
  });
});
