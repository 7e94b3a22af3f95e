import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  publishRelease,
  startUpdateServer,
  type UpdateServer,
  UpdateStore,
  verifyRelease,
} from "../../src/update/index.js";
import { Owner } from "../discovery/helpers.js";
import { omaha, releaseTree } from "./helpers.js";

const owner = new Owner();
afterEach(() => owner.cleanup());

async function serve(pollIntervalMs?: number): Promise<{ server: UpdateServer; dir: string }> {
  const dir = owner.tempDir("shoal-updates-");
  const server = await startUpdateServer({
    listen: { host: "127.0.0.1", port: 0 },
    store: join(dir, "store"),
    baseVersion: "0.1.0",
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
  });
  owner.defer(() => server.close());
  return { server, dir };
}

/** Publishes through a second handle on the store, as `shoal updates publish` does beside a running server. */
async function publish(dir: string, channel: string, version: string) {
  const store = await UpdateStore.open(join(dir, "store"));
  try {
    return await publishRelease(store, {
      channel,
      version,
      source: releaseTree(join(dir, `tree-${version}`), version),
      now: Date.now(),
    });
  } finally {
    store.close();
  }
}

describe("update server", () => {
  it("serves the base release on every channel until something is published", async () => {
    const { server } = await serve();
    for (const track of ["stable", "beta", "alpha"]) {
      const current = await omaha(server.url, { machineId: `m-${track}`, version: "0.1.0", track });
      expect(current.status).toBe(200);
      expect(current.reading).toEqual({ kind: "noupdate", pollInterval: 0 });
      const older = await omaha(server.url, { machineId: `o-${track}`, version: "0.0.9", track });
      expect(older.reading).toMatchObject({ kind: "update", version: "0.1.0" });
    }
  });

  it("offers a published release with a payload whose size, sha256 and signature match", async () => {
    const { server, dir } = await serve(90_000);
    const published = await publish(dir, "stable", "1.1.0");
    const { reading } = await omaha(server.url, { machineId: "m1", version: "0.1.0" });
    if (reading.kind !== "update")
      throw new Error(`expected an update, got ${JSON.stringify(reading)}`);
    expect(reading).toMatchObject({ version: "1.1.0", pollInterval: 90, size: published.size });

    const head = await fetch(reading.urls[0] as string, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, String(reading.size)]);
    const res = await fetch(reading.urls[0] as string);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(reading.size);
    expect(createHash("sha256").update(bytes).digest("base64")).toBe(reading.sha256);
    expect(createHash("sha1").update(bytes).digest("base64")).toBe(reading.hash);
    const key = await (await fetch(`${server.url}/v1/key`)).text();
    expect(key).toBe(server.publicKey);
    const facts = { version: reading.version, size: reading.size, sha256: reading.sha256 };
    expect(verifyRelease(key, facts, reading.signature)).toBe(true);

    // Other channels, machines already there and machines ahead are not offered it.
    expect(
      (await omaha(server.url, { machineId: "b", version: "0.1.0", track: "beta" })).reading.kind,
    ).toBe("noupdate");
    expect((await omaha(server.url, { machineId: "m2", version: "1.1.0" })).reading.kind).toBe(
      "noupdate",
    );
    expect((await omaha(server.url, { machineId: "m3", version: "1.10.0" })).reading.kind).toBe(
      "noupdate",
    );
  });

  it("tracks each machine through its events and pauses the channel on a failure until resumed", async () => {
    const { server, dir } = await serve();
    await publish(dir, "stable", "1.1.0");
    const url = server.url;
    await omaha(url, { machineId: "m1", alias: "core-01", version: "0.1.0" });
    await omaha(url, {
      machineId: "m1",
      version: "0.1.0",
      updateCheck: false,
      events: [{ type: 13, result: 1 }],
    });
    const store = await UpdateStore.open(join(dir, "store"));
    owner.defer(() => store.close());
    expect(store.instance("m1")).toMatchObject({
      alias: "core-01",
      status: "UPDATE_STATUS_DOWNLOADING",
      newVersion: "1.1.0",
    });
    await omaha(url, {
      machineId: "m1",
      version: "0.1.0",
      updateCheck: false,
      events: [{ type: 14, result: 1 }],
    });
    await omaha(url, {
      machineId: "m1",
      version: "0.1.0",
      updateCheck: false,
      events: [{ type: 3, result: 1 }],
    });
    expect(store.instance("m1")?.status).toBe("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    // Back after the reboot: event 3/2 with the previous version, and nothing more to take.
    const after = await omaha(url, {
      machineId: "m1",
      version: "1.1.0",
      events: [{ type: 3, result: 2, previousVersion: "0.1.0" }],
    });
    expect(after.reading.kind).toBe("noupdate");
    expect(store.instance("m1")).toMatchObject({
      version: "1.1.0",
      status: "UPDATE_STATUS_IDLE",
      newVersion: "",
    });

    // An error from a machine that was offered nothing (a failed check) is recorded, not a rollout failure.
    await omaha(url, {
      machineId: "m0",
      version: "1.1.0",
      updateCheck: false,
      events: [{ type: 3, result: 0, errorCode: 2503 }],
    });
    expect(store.instance("m0")?.lastError).toBe("error code 2503 (HTTP 503)");
    expect(store.channel("stable")?.paused).toBeUndefined();

    // core-02 fails to verify the payload: the rollout stops there.
    await omaha(url, { machineId: "m2", alias: "core-02", version: "0.1.0" });
    await omaha(url, {
      machineId: "m2",
      version: "0.1.0",
      updateCheck: false,
      events: [{ type: 3, result: 0, errorCode: 10 }],
    });
    expect(store.instance("m2")).toMatchObject({
      status: "UPDATE_STATUS_REPORTING_ERROR_EVENT",
      lastError: "error code 10 (PayloadHashMismatch) updating to 1.1.0",
    });
    expect(store.channel("stable")?.paused?.reason).toBe(
      "core-02 reported error code 10 (PayloadHashMismatch) updating to 1.1.0",
    );
    expect((await omaha(url, { machineId: "m3", version: "0.1.0" })).reading.kind).toBe("noupdate");
    expect(store.resume("stable")).toBe(true);
    expect((await omaha(url, { machineId: "m3", version: "0.1.0" })).reading).toMatchObject({
      kind: "update",
      version: "1.1.0",
    });
    // A newer release is not held back by an older one's pause.
    await omaha(url, {
      machineId: "m2",
      version: "0.1.0",
      updateCheck: false,
      events: [{ type: 3, result: 0, errorCode: 12 }],
    });
    expect((await omaha(url, { machineId: "m4", version: "0.1.0" })).reading.kind).toBe("noupdate");
    await publish(dir, "stable", "1.2.0");
    expect((await omaha(url, { machineId: "m4", version: "0.1.0" })).reading).toMatchObject({
      version: "1.2.0",
    });
  });

  it("answers bad requests with 400 and a reason, other routes as HTTP says", async () => {
    const { server } = await serve();
    const post = (body: string) => fetch(`${server.url}/v1/update/`, { method: "POST", body });
    const cases: [string, string][] = [
      ["<request", "bad Omaha request: malformed XML"],
      ["", "bad Omaha request: malformed XML"],
      [
        '<request protocol="3.0"><app appid="{00000000-0000-0000-0000-000000000000}" track="stable" machineid="m"/></request>',
        'bad Omaha request: unknown appid "{00000000-0000-0000-0000-000000000000}"',
      ],
      [
        '<request protocol="3.0"><app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" track="edge" machineid="m"/></request>',
        'bad Omaha request: unknown track "edge": this server has stable, beta, alpha',
      ],
      [
        '<request protocol="3.0"><app appid="e96281a6-D1AF-4bde-9a0a-97b76e56dc57" track="stable"/></request>',
        "bad Omaha request: <app> has no machineid",
      ],
      [
        `<request protocol="3.0">${" ".repeat(70_000)}</request>`,
        "bad Omaha request: body larger than 65536 bytes",
      ],
    ];
    for (const [body, reason] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(await res.text()).toContain(reason);
    }
    expect((await fetch(`${server.url}/v1/update/`)).status).toBe(405);
    expect((await fetch(`${server.url}/v1/payloads/${"0".repeat(64)}.tar.gz`)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/payloads/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    const health = await fetch(`${server.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { health: "true" }]);
    await omaha(server.url, { machineId: "m", version: "0.0.1" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/shoal_updates_checks_total\{answer="ok"\} 1/);
    expect(metrics).toMatch(/shoal_updates_requests_total\{route="update",code="400"\} 6/);
    expect(metrics).toMatch(/shoal_updates_instances 1/);
  });
});
