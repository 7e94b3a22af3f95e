/**
 * A machine's own reboot (`reboot` inside it: units stop in order, its
 * launcher boots it again) against the host restarting it (`shoal reload
 * NAME`: halt through the agent, then a fresh start by the provider), in a
 * 3-machine cluster of the coreos-vagrant sample. Each sample runs from the
 * command to the machine's next completed boot (its console's `boot
 * completed`: units up, its etcd member healthy), the condition a rolling
 * update waits for before the next machine goes.
 *
 *   PROVIDER=process|namespace npx tsx bench/reboot.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../test/e2e/harness/index.js";
import { compare } from "./lib/compare.js";
import { benchCluster, canUseNamespaces } from "./lib/shoal-cluster.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const provider = process.env.PROVIDER ?? (canUseNamespaces() ? "namespace" : "process");
const c = benchCluster({ instances: 3, provider });
const NAME = "core-02";
const consoleLog = join(c.dir, ".shoal", "machines", NAME, "console.log");
const completed = () => readFileSync(consoleLog, "utf8").split("boot completed:").length - 1;

/** Runs `shoal ARGS`, then waits for the machine's next completed boot; milliseconds. */
async function timed(args: string[]): Promise<number> {
  const before = completed();
  const start = performance.now();
  await c.shoal(args);
  await waitFor(() => completed() > before, {
    what: `${NAME}'s next completed boot`,
    timeoutMs: 120_000,
    intervalMs: 10,
  });
  return performance.now() - start;
}

try {
  await c.shoal(["up", "--timeout", "120s"]);
  await waitFor(() => completed() > 0, { what: "the first boot to complete", timeoutMs: 60_000 });
  await compare({
    title: `${NAME} back with its boot completed (${provider} provider, 3 machines)`,
    unit: "ms",
    better: "lower",
    rounds: ROUNDS,
    warmup: 1,
    ours: { name: "reboot inside", measure: () => timed(["ssh", NAME, "--", "reboot"]) },
    anchor: { name: "shoal reload", measure: () => timed(["reload", NAME]) },
  });
} finally {
  await c.remove();
}
