/**
 * Random and mutated Omaha requests against `shoal updates serve`: every
 * answer is a 200 or a 400, never a 5xx, and the process is still there.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Owner } from "../discovery/helpers.js";
import { omahaBody, serveUpdates } from "./helpers.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

/** A small seeded generator, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  "<",
  ">",
  "/>",
  '"',
  "&",
  "&amp;",
  "&#0;",
  "&#x110000;",
  "<![CDATA[x]]>",
  "<!-- c -->",
  "<?pi x?>",
  '<event eventtype="3" eventresult="0" errorcode="-1"/>',
  '<event eventtype="99999999999" eventresult="2"/>',
  "<app/>",
  '<updatecheck status="ok"/>',
  "<__proto__/>",
  '<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" track="stable" machineid="x" version="9.9.9">',
  "\u0000",
  "\uffff",
  "é",
  "<!DOCTYPE x>",
  " xmlns:a='b' ",
  'track="alpha"',
  'version=""',
];

function mutate(base: string, r: () => number): string {
  let s = base;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 5);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else if (op === 1)
      s = s.slice(0, at) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + s.slice(at);
    else if (op === 2) s = s.slice(0, at);
    else if (op === 3)
      s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + s.slice(at + 1);
    else
      s = s.slice(0, at) + s.slice(at, at + 40).repeat(1 + Math.floor(r() * 3)) + s.slice(at + 40);
  }
  return s;
}

function randomText(r: () => number): string {
  const len = Math.floor(r() * 300);
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

describe("update server under fuzzed Omaha requests", () => {
  it("answers 200 or 400 to 1500 random and mutated requests, and stays up", async () => {
    const { proc, url } = await serveUpdates([
      "--listen",
      "127.0.0.1:0",
      "--store",
      join(owner.tempDir("shoal-updates-"), "store"),
    ]);
    owner.defer(() => proc.kill());
    const seed = 20261130;
    const r = rng(seed);
    const seeds = [
      omahaBody({ machineId: "m1", version: "0.0.1" }),
      omahaBody({
        machineId: "m2",
        version: "0.1.0",
        events: [{ type: 3, result: 2, previousVersion: "0.0.1" }],
      }),
      omahaBody({
        machineId: "m3",
        version: "0.1.0",
        updateCheck: false,
        events: [{ type: 3, result: 0, errorCode: 10 }],
      }),
    ];
    const counts: Record<number, number> = {};
    for (let i = 0; i < 1500; i += 10) {
      const bodies = Array.from({ length: 10 }, () =>
        r() < 0.15 ? randomText(r) : mutate(seeds[Math.floor(r() * seeds.length)] as string, r),
      );
      const statuses = await Promise.all(
        bodies.map(async (body) => {
          const res = await fetch(`${url}/v1/update/`, { method: "POST", body });
          await res.arrayBuffer();
          if (res.status !== 200 && res.status !== 400)
            throw new Error(`seed ${seed}: HTTP ${res.status} for ${JSON.stringify(body)}`);
          return res.status;
        }),
      );
      for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    }
    // Both kinds of answer were exercised: the mutations are not all fatal, nor all harmless.
    expect(counts[200]).toBeGreaterThan(20);
    expect(counts[400]).toBeGreaterThan(500);
    expect(proc.running).toBe(true);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(proc.logs()).not.toMatch(/update server error|TypeError|RangeError/);
  });
});
