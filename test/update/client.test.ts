/**
 * update_engine_client against a running engine daemon (its control
 * socket), the engine talking to a real `shoal updates serve`.
 */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { parseClientFlags, runEngineClient, startEngineDaemon } from "../../src/update/index.js";
import { Owner } from "../discovery/helpers.js";
import { waitFor } from "../e2e/harness/index.js";
import { machine, machineBehindStable, updateServer } from "./machine.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.setEncoding("utf8").on("data", (c: string) => {
    text += c;
  });
  return { stream, text: () => text };
}

async function client(socketPath: string, argv: string[], signal?: AbortSignal) {
  const out = capture();
  const err = capture();
  const code = await runEngineClient(argv, {
    socketPath,
    stdout: out.stream,
    stderr: err.stream,
    pollMs: 20,
    pid: 4242,
    ...(signal ? { signal } : {}),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe("update_engine_client", () => {
  it("reads gflags as upstream does", () => {
    expect(parseClientFlags(["-status"])).toEqual(new Set(["status"]));
    expect(parseClientFlags(["--check_for_update", "-update=false"])).toEqual(
      new Set(["check_for_update"]),
    );
    expect(parseClientFlags(["-stats"])).toEqual({ unknown: "stats" });
  });

  it("prints the status, forces an update to NEED_REBOOT, watches and resets", async () => {
    const { m } = await machineBehindStable(owner);
    const socketPath = join(m.root, "update_engine.sock");
    const daemon = await startEngineDaemon({ deps: m.deps, socketPath });
    owner.defer(() => daemon.close());

    const idle = await client(socketPath, ["-status"]);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toBe(
      "LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n",
    );
    expect(idle.stderr).toMatch(
      /^I\d{4} \d\d:\d\d:\d\d\.\d{6} {2}4242 update_engine_client\.cc:237\] Querying Update Engine status\.\.\.\n$/,
    );

    const watching = new AbortController();
    const watch = client(socketPath, ["-watch_for_updates"], watching.signal);
    await waitFor(() => daemon.watchers() === 1, { what: "the watcher to connect" });

    const update = await client(socketPath, ["-update"]);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stderr).toContain("] Initiating update check and install.\n");
    expect(update.stderr).toContain("] Update succeeded -- reboot needed.\n");
    expect(update.stdout).toMatch(
      /CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=1\.1\.0\nNEW_SIZE=\d+\n$/,
    );

    const status = await client(socketPath, ["--status"]);
    expect(status.stdout).toMatch(
      /^LAST_CHECKED_TIME=\d{10}\nPROGRESS=1\.000000\nCURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=1\.1\.0\nNEW_SIZE=[1-9]\d*\n$/,
    );

    watching.abort();
    const watched = await watch;
    expect(watched.stderr).toContain("] Watching for status updates.\n");
    const ops = [...watched.stderr.matchAll(/\] {3}current_operation: (\S+)\n/g)].map((x) => x[1]);
    expect(ops[0]).toBe("UPDATE_STATUS_CHECKING_FOR_UPDATE");
    expect(ops.at(-1)).toBe("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    expect(ops).toContain("UPDATE_STATUS_VERIFYING");

    const reset = await client(socketPath, ["-reset_status"]);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toContain("] Setting Update Engine status to idle ...\n");
    expect((await client(socketPath, ["-status"])).stdout).toContain(
      "CURRENT_OP=UPDATE_STATUS_IDLE\n",
    );
  });

  it("fails -update when the update fails, and exits 1 when no engine runs", async () => {
    const server = await updateServer(owner);
    const payload = await server.publish("beta", "2.0.0");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(payload, "not the payload that was signed");
    const m = machine(owner, {
      server: server.url,
      version: "0.1.0",
      group: "beta",
      publicKey: server.publicKey,
    });
    const socketPath = join(m.root, "update_engine.sock");
    const daemon = await startEngineDaemon({ deps: m.deps, socketPath });
    owner.defer(() => daemon.close());
    const failed = await client(socketPath, ["-update"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^E\d{4} .* update_engine_client\.cc:190\] Update failed\.$/m);

    const none = await client(join(m.root, "nowhere.sock"), ["-status"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/Giving up -- unable to reach update_engine at .*nowhere\.sock/);
    const unknown = await client(socketPath, ["-frobnicate"]);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      "ERROR: unknown command line flag 'frobnicate'\n",
    ]);
  });
});
