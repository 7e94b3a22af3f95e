import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Progress } from "../../src/cluster/index.js";
import type { Step, UpOptions } from "../../src/cluster/up/context.js";
import { up } from "../../src/cluster/up/up.js";
import { Interrupted } from "../../src/errors/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What a run did, in order: steps started, cleanups run, lines said. */
function recorder() {
  const events: string[] = [];
  const progress: Progress = {
    step: (name) => events.push(`step ${name}`),
    machine: () => {},
    say: (text) => events.push(`say ${text}`),
    done: () => events.push("done"),
  };
  return { events, progress };
}

function options(progress: Progress, extra: Partial<UpOptions> = {}): UpOptions {
  const dir = mkdtempSync(join(tmpdir(), "shoal-unwind-"));
  dirs.push(dir);
  writeFileSync(join(dir, "shoal.yaml"), "instances: 1\nprovider: process\n");
  writeFileSync(join(dir, "user-data"), "#cloud-config\n");
  return {
    dir,
    env: {},
    progress,
    wait: false,
    retain: false,
    signal: new AbortController().signal,
    ...extra,
  };
}

/** A step that records its start and an undo, or throws instead of succeeding. */
function fake(name: string, events: string[], fail?: Error): Step {
  return {
    name,
    async run(ctx) {
      events.push(`run ${name}`);
      if (fail) throw fail;
      ctx.cleanup.push({
        what: name,
        undo: async () => {
          events.push(`undo ${name}`);
        },
      });
    },
  };
}

describe("up unwinds what a failed run made", () => {
  it("runs every earlier step's cleanup, in reverse, then rethrows the step's error", async () => {
    const { events, progress } = recorder();
    const boom = new Error("third step broke");
    const steps = [
      fake("a", events),
      fake("b", events),
      fake("c", events, boom),
      fake("d", events),
    ];
    await expect(up(options(progress), steps)).rejects.toBe(boom);
    expect(events.filter((e) => !e.startsWith("say "))).toEqual([
      "step a",
      "run a",
      "step b",
      "run b",
      "step c",
      "run c",
      "undo b",
      "undo a",
      "done",
    ]);
  });

  it("goes on unwinding past a cleanup that fails, and says which", async () => {
    const { events, progress } = recorder();
    const stuck: Step = {
      name: "stuck",
      async run(ctx) {
        ctx.cleanup.push({
          what: "the stuck thing",
          undo: async () => {
            throw new Error("still busy");
          },
        });
      },
    };
    const steps = [fake("a", events), stuck, fake("c", events, new Error("no"))];
    await expect(up(options(progress), steps)).rejects.toThrow("no");
    const tail = events.slice(events.indexOf("run c") + 1);
    expect(tail).toEqual(["say could not clean up the stuck thing: still busy", "undo a", "done"]);
  });

  it("unwinds on Ctrl-C between steps, and runs no later step", async () => {
    const { events, progress } = recorder();
    const ctrlC = new AbortController();
    const interrupting: Step = {
      name: "interrupting",
      async run() {
        events.push("run interrupting");
        ctrlC.abort();
      },
    };
    const steps = [fake("a", events), interrupting, fake("c", events)];
    await expect(up(options(progress, { signal: ctrlC.signal }), steps)).rejects.toBeInstanceOf(
      Interrupted,
    );
    expect(events).not.toContain("run c");
    expect(events.slice(-2)).toEqual(["undo a", "done"]);
  });

  it("keeps everything with retain", async () => {
    const { events, progress } = recorder();
    const steps = [fake("a", events), fake("b", events, new Error("no"))];
    await expect(up(options(progress, { retain: true }), steps)).rejects.toThrow("no");
    expect(events.some((e) => e.startsWith("undo"))).toBe(false);
  });
});
