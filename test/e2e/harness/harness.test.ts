/** The etcd harness itself: start, health, pause, stop, cleanup. Member on 127.20.7.1. */
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { EtcdGroup } from "./index.js";

const group = new EtcdGroup();
afterEach(() => group.cleanup());

describe("EtcdGroup / EtcdProcess", () => {
  it("starts a real etcd that turns healthy, goes silent when paused, stops on SIGTERM; cleanup removes its data dir", async () => {
    const [member] = await group.startCluster(["solo"], () => "127.20.7.1");
    if (!member) throw new Error("no member");
    expect(member.clientUrl).toBe("http://127.20.7.1:2379");
    expect(await member.healthy()).toBe(true);
    expect(member.logs()).toContain("ready to serve client requests");
    member.pause();
    expect(await member.healthy()).toBe(false);
    member.resume();
    await member.waitHealthy();
    expect(await member.stop()).toEqual({ code: null, signal: "SIGTERM" }); // etcd re-raises it
    expect(member.running).toBe(false);
    expect(existsSync(member.dataDir)).toBe(true);
    await group.cleanup();
    expect(existsSync(member.dataDir)).toBe(false);
  });

  it("waitHealthy fails fast, with etcd's log, when etcd exits", async () => {
    const bad = group.start({ name: "bad", host: "127.20.7.2", extraArgs: ["--no-such-flag"] });
    // A timeout past the test's own: only etcd's exit can end this wait in time.
    await expect(bad.waitHealthy(600_000)).rejects.toThrow(/etcd bad exited[\s\S]*no-such-flag/);
    expect(bad.running).toBe(false);
  });
});
