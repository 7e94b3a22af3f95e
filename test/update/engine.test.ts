/**
 * The update engine against a real `shoal updates serve` process: releases
 * published with `shoal updates publish`, payloads laid into the passive
 * slot directory, and tampered or wrongly signed payloads refused with the
 * slot untouched.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  chooseBoot,
  generateSigningKey,
  type Http,
  markGood,
  PREF_PREVIOUS_VERSION,
  PREF_UPDATE_COMPLETED,
  renderResponse,
  UpdateEngine,
} from "../../src/update/index.js";
import { Owner } from "../discovery/helpers.js";
import { shoal } from "../helpers/cli.js";
import { tamper } from "./helpers.js";
import { machine, machineBehindStable, updateServer } from "./machine.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

describe("update engine against the update server", () => {
  it("installs the channel's release into the passive slot and ends needing a reboot", async () => {
    const { server, m } = await machineBehindStable(owner);

    const result = await m.engine.check(true);
    expect(result).toMatchObject({ outcome: "updated", httpStatus: 200 });
    expect(m.statuses).toEqual([
      "UPDATE_STATUS_CHECKING_FOR_UPDATE",
      "UPDATE_STATUS_UPDATE_AVAILABLE",
      ...m.statuses.filter((s) => s === "UPDATE_STATUS_DOWNLOADING"),
      "UPDATE_STATUS_VERIFYING",
      "UPDATE_STATUS_FINALIZING",
      "UPDATE_STATUS_UPDATED_NEED_REBOOT",
    ]);
    expect(m.statuses).toContain("UPDATE_STATUS_DOWNLOADING");
    expect(m.engine.state).toMatchObject({ newVersion: "1.1.0", progress: 1 });

    const b = m.slots.path("b");
    expect(readFileSync(join(b, "bin/hello"), "utf8")).toContain("hello from 1.1.0");
    expect(readFileSync(join(b, "lib/os-release"), "utf8")).toContain("VERSION_ID=1.1.0\n");
    expect(readFileSync(join(b, "share/coreos/release"), "utf8")).toContain(
      "COREOS_RELEASE_VERSION=1.1.0\n",
    );
    expect(m.slots.read("0.1.0")).toEqual({
      a: { priority: 1, tries: 0, successful: true, version: "0.1.0" },
      b: { priority: 2, tries: 1, successful: false, version: "1.1.0" },
      booted: "a",
    });
    expect(m.prefs.get(PREF_PREVIOUS_VERSION)).toBe("0.1.0");
    // Nothing left of the download beside the slots.
    expect(readdirSync(m.slots.dir).sort()).toEqual(["b", "slots.json"]);
    expect(await server.status()).toEqual([
      expect.objectContaining({
        name: "core-01",
        version: "0.1.0",
        status: "UPDATE_STATUS_UPDATED_NEED_REBOOT",
        newVersion: "1.1.0",
      }),
    ]);

    // Until the reboot, a check only pings; a new engine (a restart) starts in NEED_REBOOT.
    expect((await m.engine.check()).outcome).toBe("skipped");
    const restarted = machine(owner, {
      server: server.url,
      version: "0.1.0",
      group: "stable",
      publicKey: server.publicKey,
    });
    expect(restarted.engine.state.status).toBe("UPDATE_STATUS_IDLE");
    m.engine.reset();
    expect(m.engine.state.status).toBe("UPDATE_STATUS_IDLE");
  });

  it("after the reboot: 3/2 with previousversion once the boot completed; 3/0 and a paused rollout when it came back on the old slot", async () => {
    const { server, m } = await machineBehindStable(owner);
    expect((await m.engine.check(true)).outcome).toBe("updated");
    /** The machine's next boot, as the agent counts it (GPT rules), running `version`. */
    const reboot = (version: string) => {
      m.slots.write(chooseBoot(m.slots.read("0.1.0"))?.table as never);
      writeFileSync(
        join(m.root, "usr/share/coreos/release"),
        `COREOS_RELEASE_VERSION=${version}\nCOREOS_RELEASE_BOARD=amd64-usr\n`,
      );
    };
    reboot("1.1.0");
    let complete = () => {};
    const bootCompleted = new Promise<void>((resolve) => {
      complete = resolve;
    });
    const onB = new UpdateEngine({ ...m.deps, bootCompleted });
    expect(onB.state.status).toBe("UPDATE_STATUS_IDLE");
    const reported = onB.reportBoot();
    // A check before the boot completed does not claim the reboot went well.
    expect((await onB.check()).outcome).toBe("noupdate");
    expect((await server.status())[0]).toMatchObject({ version: "1.1.0", newVersion: "1.1.0" });
    // The agent's coreos-setgoodroot, then the word that the boot completed.
    m.slots.write(markGood(m.slots.read("0.1.0")));
    complete();
    await reported;
    expect((await server.status())[0]).toMatchObject({
      version: "1.1.0",
      status: "UPDATE_STATUS_IDLE",
      newVersion: "",
    });
    expect(m.prefs.get(PREF_UPDATE_COMPLETED)).toBeUndefined();

    // The next release's slot (USR-A now) never boots good: two boots later the machine is back on B.
    await server.publish("stable", "1.2.0");
    expect((await onB.check(true)).outcome).toBe("updated");
    reboot("1.2.0");
    reboot("1.1.0");
    const back = new UpdateEngine(m.deps);
    await back.reportBoot();
    expect((await server.status())[0]).toMatchObject({
      version: "1.1.0",
      lastError: "error code 15 (NewRootfsVerificationError) updating to 1.2.0",
    });
    const channels = JSON.parse(
      (await shoal(["updates", "channels", "--store", server.store, "-o", "json"])).stdout,
    );
    expect(channels[0]).toMatchObject({ channel: "stable", paused: true });
    expect(m.prefs.get(PREF_UPDATE_COMPLETED)).toBeUndefined();
  });

  it("re-reads GROUP before every check and follows the new channel", async () => {
    const server = await updateServer(owner);
    await server.publish("beta", "2.0.0");
    const m = machine(owner, {
      server: server.url,
      version: "0.1.0",
      group: "stable",
      publicKey: server.publicKey,
    });
    expect((await m.engine.check()).outcome).toBe("noupdate");
    expect((await server.status())[0]).toMatchObject({ channel: "stable" });
    m.setConf("GROUP=beta\n");
    expect((await m.engine.check()).outcome).toBe("updated");
    expect(m.slots.read("0.1.0").b.version).toBe("2.0.0");
    expect((await server.status())[0]).toMatchObject({ channel: "beta", newVersion: "2.0.0" });
  });

  it("refuses a payload tampered with on the server's disk: error event, slot untouched, rollout paused", async () => {
    const { server, m } = await machineBehindStable(owner);
    expect((await m.engine.check()).outcome).toBe("updated");
    const before = readFileSync(join(m.slots.dir, "slots.json"), "utf8");
    const hello = readFileSync(join(m.slots.path("b"), "bin/hello"), "utf8");
    m.engine.reset();
    // A 1.2.0 whose bytes change on the server's disk after publishing (same size).
    tamper(await server.publish("stable", "1.2.0"));

    const failed = await m.engine.check();
    expect(failed).toMatchObject({
      outcome: "failed",
      error: expect.stringMatching(/^payload sha256 .* expected/),
    });
    expect(m.engine.state.status).toBe("UPDATE_STATUS_IDLE");
    expect(m.statuses.slice(-2)).toEqual([
      "UPDATE_STATUS_REPORTING_ERROR_EVENT",
      "UPDATE_STATUS_IDLE",
    ]);
    expect(readFileSync(join(m.slots.dir, "slots.json"), "utf8")).toBe(before);
    expect(readFileSync(join(m.slots.path("b"), "bin/hello"), "utf8")).toBe(hello);
    expect(readdirSync(m.slots.dir).sort()).toEqual(["b", "slots.json"]);
    expect((await server.status())[0]).toMatchObject({
      status: "UPDATE_STATUS_REPORTING_ERROR_EVENT",
      lastError: "error code 10 (PayloadHashMismatch) updating to 1.2.0",
    });
    const after = JSON.parse(
      (await shoal(["updates", "channels", "--store", server.store, "-o", "json"])).stdout,
    );
    expect(after[0]).toMatchObject({ channel: "stable", paused: true });
  });

  it("refuses a payload not signed by the key it holds (error code 12), slot untouched", async () => {
    const server = await updateServer(owner);
    await server.publish("alpha", "3.0.0");
    const m = machine(owner, {
      server: server.url,
      version: "0.1.0",
      group: "alpha",
      publicKey: generateSigningKey().publicKey,
    });
    const result = await m.engine.check();
    expect(result).toMatchObject({
      outcome: "failed",
      error: expect.stringContaining("signature does not verify"),
    });
    expect(existsSync(join(m.slots.dir, "slots.json"))).toBe(false);
    expect(existsSync(m.slots.path("b"))).toBe(false);
    expect((await server.status())[0]).toMatchObject({
      lastError: "error code 12 (PayloadVerification) updating to 3.0.0",
    });
  });

  it("never downgrades, even when a server offers an older release", async () => {
    const requests: string[] = [];
    const olderOffer: Http = {
      async post(_url, body) {
        requests.push(body);
        return {
          status: 200,
          body: renderResponse({
            appId: "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}",
            events: 1,
            ping: true,
            updateCheck: {
              status: "ok",
              version: "1.0.0",
              codebases: ["http://127.0.0.1:1/"],
              packageName: "p.tar.gz",
              size: 10,
              hash: "h",
              sha256: "s",
              signature: "",
            },
          }),
        };
      },
      download: () => Promise.reject(new Error("must not download")),
    };
    const m = machine(owner, {
      server: "http://127.0.0.1:1",
      version: "1.1.0",
      group: "stable",
      publicKey: "",
      http: olderOffer,
    });
    expect((await m.engine.check()).outcome).toBe("noupdate");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain(
      '<event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event>',
    );
    expect(m.engine.state.status).toBe("UPDATE_STATUS_IDLE");
  });
});
