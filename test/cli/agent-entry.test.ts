import { describe, expect, it } from "vitest";
import { agentBootArgs } from "../../src/cli/agent-entry.js";

describe("the agent's direct way in", () => {
  it("takes exactly the argv providers start agents with", () => {
    expect(agentBootArgs(["machine", "boot", "--dir", "/m/core-01"])).toEqual({
      dir: "/m/core-01",
    });
    expect(agentBootArgs(["machine", "boot", "--dir", "/m/core-01", "--root", "/"])).toEqual({
      dir: "/m/core-01",
      root: "/",
    });
    expect(
      agentBootArgs(["machine", "boot", "--dir", "/m/core-01", "--root", "/", "--slot-mounted"]),
    ).toEqual({ dir: "/m/core-01", root: "/", slotMounted: true });
  });

  it("leaves every other spelling to commander, which parses and checks it", () => {
    for (const argv of [
      ["machine", "boot"],
      ["machine", "boot", "--help"],
      ["machine", "boot", "--dir"],
      ["machine", "boot", "--dir=/m/core-01"],
      ["machine", "boot", "--root", "/", "--dir", "/m/core-01"],
      ["machine", "boot", "--dir", "--root", "/"],
      ["machine", "boot", "--dir", "/m", "--root"],
      ["machine", "boot", "--dir", "/m", "--root", "/", "extra"],
      ["machine", "boot", "--dir", "/m", "-v"],
      ["machine", "boot", "--dir", "/m", "--slot-mounted", "--root", "/"],
      ["machine", "boot", "--dir", "/m", "--root", "/", "--slot-mounted", "--slot-mounted"],
      ["-v", "machine", "boot", "--dir", "/m"],
      ["machine", "systemctl", "--dir", "/m"],
    ]) {
      expect(agentBootArgs(argv), argv.join(" ")).toBeUndefined();
    }
  });
});
