/**
 * followStatus, the way locksmithd reads update-engine in the same agent:
 * it waits for an engine that is not up yet, sees its changes, and keeps
 * following across an engine restart. The engine talks to a real
 * `shoal updates serve`.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { followStatus, startEngineDaemon } from "../../src/update/index.js";
import { Owner } from "../discovery/helpers.js";
import { waitFor } from "../e2e/harness/index.js";
import { machineBehindStable } from "./machine.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

describe("followStatus", () => {
  it("waits for the engine, follows its changes, and survives its restart", async () => {
    const { m } = await machineBehindStable(owner);
    const socketPath = join(m.root, "update_engine.sock");
    const follower = followStatus(socketPath, { retryMs: 20 });
    const seen: string[] = [];
    const unsubscribe = follower.subscribe((op) => seen.push(op));
    owner.defer(unsubscribe);

    // Asked before any engine runs: the answer comes once one does.
    const first = follower.current();
    let daemon = await startEngineDaemon({ deps: m.deps, socketPath });
    owner.defer(() => daemon.close());
    expect(await first).toBe("UPDATE_STATUS_IDLE");
    await waitFor(() => daemon.watchers() === 1, { what: "the follower's watch" });

    await daemon.scheduler.checkNow();
    await waitFor(() => seen.at(-1) === "UPDATE_STATUS_UPDATED_NEED_REBOOT", {
      what: "NEED_REBOOT through the watch",
    });
    expect(seen).toContain("UPDATE_STATUS_DOWNLOADING");

    // The engine restarts (Restart=always): the watch comes back by itself.
    await daemon.close();
    daemon = await startEngineDaemon({ deps: m.deps, socketPath });
    await waitFor(() => daemon.watchers() === 1, { what: "the watch to reconnect" });
    expect(await follower.current()).toBe("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    daemon.engine.reset();
    await waitFor(() => seen.at(-1) === "UPDATE_STATUS_IDLE", { what: "the reset, seen" });

    // Nobody subscribed: the watch closes.
    unsubscribe();
    await waitFor(() => daemon.watchers() === 0, { what: "the watch to close" });
  });

  it("gives up on current() when no engine answers in time", async () => {
    const follower = followStatus(join(owner.tempDir(), "nowhere.sock"), {
      retryMs: 10,
      timeoutMs: 100,
    });
    await expect(follower.current()).rejects.toThrow(/update_engine does not answer at .*nowhere/);
  });
});
