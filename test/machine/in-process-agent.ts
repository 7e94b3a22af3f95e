/**
 * Run by in-process.test.ts as a process of its own (an agent stand-in):
 * one in-process service throws from a timer and another leaves a
 * rejection unhandled, either of which would end a Node process. Prints the units' states and the failed one's
 * journal as JSON, then halts; an exit code other than 0 means the throw
 * took this process down.
 */
import type { ServiceIO } from "../../src/machine/units/index.js";
import { journalOf, waitFor } from "./harness.js";
import { initOn, unitStatus } from "./init-harness.js";

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));

const cleanups: Array<() => Promise<void>> = [];
const {
  init,
  dir,
  journal: unitJournal,
} = initOn(cleanups, [
  {
    name: "boom.service",
    content: "[Service]\nExecStart=shoal boom\n",
    run: async ({ signal }: ServiceIO) => {
      setTimeout(() => {
        throw new Error("boom in a timer");
      }, 10);
      await untilAborted(signal);
    },
  },
  {
    name: "stray.service",
    content: "[Service]\nExecStart=shoal stray\n",
    run: async ({ signal }: ServiceIO) => {
      void Promise.reject(new Error("a rejection nobody handles"));
      await untilAborted(signal);
    },
  },
  {
    name: "calm.service",
    content: "[Service]\nExecStart=shoal calm\n",
    run: async ({ signal }: ServiceIO) => untilAborted(signal),
  },
]);
await init.start("calm.service");
await init.start("boom.service");
await init.start("stray.service");
const failed = (unit: string) => unitStatus(init, unit).active === "failed";
await waitFor("boom and stray to fail", () => failed("boom.service") && failed("stray.service"));
// Give the timer's throw, had it escaped, the time to end this process.
await new Promise((r) => setTimeout(r, 50));
await unitJournal.flush();
const journal = journalOf(dir, "boom.service");
console.log(
  JSON.stringify({
    boom: unitStatus(init, "boom.service"),
    stray: unitStatus(init, "stray.service"),
    calm: unitStatus(init, "calm.service"),
    journal,
    strayJournal: journalOf(dir, "stray.service"),
  }),
);
// The reaper's watcher is unref'd: hold the loop open while the halt waits for it.
const keepAlive = setInterval(() => {}, 1000);
for (const c of cleanups) await c();
clearInterval(keepAlive);
