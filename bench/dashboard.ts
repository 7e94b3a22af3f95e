/**
 * `shoal dashboard` on a real 3-machine cluster (process provider), watched
 * by Debian's chromium:
 *
 * 1. ms from starting `shoal halt core-02` to the page showing core-02
 *    powered off, against the same halt's own command returning (what a
 *    person at the terminal waits for). The lag after the command returned
 *    is printed per round: the goal is under 1 s.
 * 2. the dashboard process's peak memory (VmHWM) over a minute with the
 *    page open and the cluster live (goal under 80 MB), against the floor
 *    of its design: a bare Node process with node:http and node:https,
 *    all that shoal's etcd client (src/etcd) stands on. One
 *    `shoal status -o json` is printed too.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { openBrowser, type TestBrowser } from "../test/dashboard/browser.js";
import { dashboardCluster, type ServedDashboard, serveDashboard } from "../test/dashboard/serve.js";
import { type TestCluster, teardown } from "../test/e2e/cluster/harness.js";
import { peakMemoryMb } from "../test/e2e/harness/index.js";
import { SHOAL_BIN } from "../test/helpers/cli.js";
import { compare } from "./lib/compare.js";

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const OPEN_S = Number(process.env.OPEN_SECONDS ?? 60);
const row = (state: string) => `table.machines tr[data-machine="core-02"][data-state="${state}"]`;

let c: TestCluster | undefined;
let dash: ServedDashboard | undefined;
let b: TestBrowser | undefined;
try {
  c = dashboardCluster();
  const cluster = c;
  await cluster.ok(["up", "--timeout", "60s"]);
  dash = await serveDashboard(cluster.dir, cluster.env);
  const served = dash;
  b = await openBrowser();
  const page = b.page;
  await page.goto(served.url);
  await page.waitForSelector(row("running"));

  const running = async () => {
    if (await page.locator(row("running")).count()) return;
    await cluster.ok(["up", "core-02", "--timeout", "60s"]);
    await page.waitForSelector(row("running"), { timeout: 30_000 });
  };
  const lags: number[] = [];
  await compare({
    title: "time from starting `shoal halt core-02` to seeing core-02 powered off",
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    ours: {
      name: "dashboard page",
      async measure() {
        await running();
        const start = performance.now();
        let returned = 0;
        const halt = cluster.ok(["halt", "core-02"]).then(() => {
          returned = performance.now();
        });
        await page.waitForSelector(row("poweroff"), { timeout: 30_000 });
        const seen = performance.now();
        await halt;
        lags.push(seen - returned);
        return seen - start;
      },
    },
    anchor: {
      name: "shoal halt returns",
      async measure() {
        await running();
        const start = performance.now();
        await cluster.ok(["halt", "core-02"]);
        return performance.now() - start;
      },
    },
  });
  console.log(
    `page lag after \`shoal halt\` returned, per round (negative: the page showed it first): ${lags.map((l) => Math.round(l)).join(", ")} ms; max ${Math.round(Math.max(...lags))} ms (goal < 1000)`,
  );
  await running();

  const pid = served.child.pid as number;
  const rssMb = () =>
    Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
  const peakOf = async (args: string[]) => {
    const { stderr } = await run("/usr/bin/time", ["-f", "%M", process.execPath, ...args], {
      cwd: cluster.dir,
      env: cluster.env,
    });
    return Number(stderr.trim().split("\n").at(-1)) / 1024;
  };
  console.log(`dashboard peak so far (after the halts above): ${peakMemoryMb(pid).toFixed(1)} MB`);
  console.log(
    `one \`shoal status -o json\`: ${(await peakOf([SHOAL_BIN, "status", "-o", "json"])).toFixed(1)} MB peak`,
  );
  await compare({
    title: `peak memory with the page open for ${OPEN_S} s`,
    unit: "MB",
    better: "lower",
    rounds: 1,
    ours: {
      name: "shoal dashboard",
      async measure() {
        const samples: number[] = [];
        const until = Date.now() + OPEN_S * 1000;
        while (Date.now() < until) {
          samples.push(rssMb());
          await page.waitForTimeout(1000);
        }
        console.log(
          `dashboard RSS over the minute: first ${samples[0]?.toFixed(1)}, min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, last ${samples.at(-1)?.toFixed(1)} MB`,
        );
        return peakMemoryMb(pid);
      },
    },
    anchor: {
      name: "floor: node + node:http(s)",
      measure: () =>
        peakOf([
          "--input-type=module",
          "-e",
          'await import("node:http"); await import("node:https")',
        ]),
    },
  });
  if (b.errors.length > 0) console.log(`console errors: ${b.errors.join("; ")}`);
} finally {
  await b?.close();
  await dash?.interrupt();
  if (c) {
    const left = await teardown(c, { bridge: false });
    if (left.length > 0) console.log(`left behind: ${left.join("; ")}`);
  }
}
