import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressFor } from "../../src/cluster/index.js";

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = "";
  out.on("data", (c: Buffer) => {
    text += c.toString();
  });
  return { out, text: () => text };
}

/** The screen a live progress leaves after its last redraw (escape codes erase what they say). */
function lastFrame(text: string): string[] {
  const esc = String.fromCharCode(27);
  const frames = text.split(new RegExp(`${esc}\\[\\d+A${esc}\\[J`));
  return (frames.at(-1) ?? "").split("\n").filter(Boolean);
}

describe("progress", () => {
  it("on a terminal: the running step and working machines spin, settled machines do not", () => {
    const { out, text } = stream(true);
    const p = progressFor(out);
    p.step("start machines");
    p.machine("core-01", "booting");
    p.machine("core-02", "already running", "done");
    const frame = lastFrame(text());
    expect(frame).toHaveLength(3);
    expect(frame[0]).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] start machines$/);
    expect(frame[1]).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] core-01: booting$/);
    expect(frame[2]).toBe("  core-02: already running");
    p.done();
    // The final frame keeps the machines, settled, and drops the step.
    expect(lastFrame(text()).slice(-2)).toEqual([
      "  core-01: booting",
      "  core-02: already running",
    ]);
  });

  it("elsewhere: vagrant's plain lines, one per change, and no step lines", () => {
    const { out, text } = stream(false);
    const p = progressFor(out);
    p.step("start machines");
    p.machine("core-01", "booting");
    p.machine("core-01", "booting");
    p.machine("core-01", "booted and ready", "done");
    p.say("etcd is healthy with 1 member.");
    p.done();
    expect(text()).toBe(
      "==> core-01: booting\n==> core-01: booted and ready\netcd is healthy with 1 member.\n",
    );
  });
});
