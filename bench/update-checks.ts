/**
 * Omaha update checks per second against `shoal updates serve` (each one
 * parses the XML, reads the channel, writes the machine's instance row and
 * renders an offer), with the discovery server's token reads per second
 * (`GET /TOKEN` of a 3-member token, `shoal discovery serve`) as anchor:
 * the request rate shoal's simplest SQLite-backed server sustains on this
 * host. Both run as real CLI processes, driven by the same keep-alive client.
 *
 *   npm run build && npx tsx bench/update-checks.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDiscovery } from "../test/e2e/harness/index.js";
import { shoal } from "../test/helpers/cli.js";
import { omahaBody, releaseTree, serveUpdates } from "../test/update/helpers.js";
import { compare } from "./lib/compare.js";

const REQUESTS = Number(process.env.REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 30);
const MACHINES = Number(process.env.MACHINES ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function send(url: string, method: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: body ? { "content-type": "text/xml" } : {} },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** REQUESTS requests, CONCURRENCY at a time; requests per second. */
async function load(one: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const status = await one(i);
      if (status !== 200) throw new Error(`request ${i}: HTTP ${status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return REQUESTS / ((performance.now() - start) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), "shoal-bench-updates-"));
const stops: Array<() => Promise<unknown>> = [];
try {
  const store = join(dir, "store");
  const updates = await serveUpdates(["--listen", "127.0.0.1:0", "--store", store]);
  stops.push(() => updates.proc.stop());
  const published = await shoal([
    "updates",
    "publish",
    "--store",
    store,
    "--channel",
    "stable",
    "--version",
    "1.1.0",
    releaseTree(join(dir, "tree"), "1.1.0"),
  ]);
  if (published.code !== 0) throw new Error(published.stderr);
  const bodies = Array.from({ length: MACHINES }, (_, i) =>
    omahaBody({ machineId: `bench-${i}`, alias: `core-${i}`, version: "0.1.0" }),
  );

  const discovery = await serveDiscovery([
    "--listen",
    "127.0.0.1:0",
    "--store",
    `sqlite:${join(dir, "d.db")}`,
    "--new-rate",
    "0",
  ]);
  stops.push(() => discovery.proc.stop());
  const token = await (await fetch(`${discovery.url}/new?size=3`)).text();
  for (let m = 0; m < 3; m++) {
    const res = await fetch(`${token}/member${m}`, {
      method: "PUT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `value=member${m}=http://127.0.0.1:${2380 + m}`,
    });
    if (res.status !== 201) throw new Error(`registering member${m}: HTTP ${res.status}`);
  }

  console.log(
    `${REQUESTS} requests per round, ${CONCURRENCY} at a time; ${MACHINES} machines checking`,
  );
  await compare({
    title: "requests per second",
    unit: "requests/s",
    better: "higher",
    rounds: ROUNDS,
    warmup: 1,
    ours: {
      name: "shoal update checks",
      measure: () => load((i) => send(`${updates.url}/v1/update/`, "POST", bodies[i % MACHINES])),
    },
    anchor: {
      name: "shoal discovery reads",
      measure: () => load(() => send(token, "GET")),
    },
  });
} finally {
  for (const stop of stops.reverse()) await stop();
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}
