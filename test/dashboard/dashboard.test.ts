/**
 * `shoal dashboard` against one real 3-machine cluster (process provider,
 * real etcd members, fleetd in every machine), watched by a real browser
 * while the CLI changes the cluster as a person in a terminal would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaks, statusJson, type TestCluster, teardown, waitFor } from "../e2e/cluster/harness.js";
import { publishedPayload, releaseTree, tamper } from "../update/helpers.js";
import { openBrowser, type TestBrowser } from "./browser.js";
import { dashboardCluster, type ServedDashboard, serveDashboard } from "./serve.js";

let c: TestCluster;
let dash: ServedDashboard | undefined;
let b: TestBrowser | undefined;

const machineRow = (name: string, state: string) =>
  `table.machines tr[data-machine="${name}"][data-state="${state}"]`;

beforeAll(async () => {
  c = dashboardCluster();
  await c.ok(["up", "--timeout", "60s"]);
  dash = await serveDashboard(c.dir, c.env);
  b = await openBrowser();
  await b.page.goto(dash.url);
}, 120_000);

afterAll(async () => {
  await b?.close();
  await dash?.interrupt();
  const leaked = c ? await teardown(c, { bridge: false }) : [];
  expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
}, 60_000);

describe("shoal dashboard", () => {
  const page = () => (b as TestBrowser).page;
  const url = () => (dash as ServedDashboard).url;
  const api = (path: string, init?: RequestInit) => {
    const u = new URL(url());
    return fetch(`${u.origin}${path}`, init);
  };
  const token = () => new URL(url()).searchParams.get("token") ?? "";

  it("lists core-01..03 running and marks exactly one etcd leader, readable wide, narrow, light and dark", async () => {
    const p = page();
    for (const n of ["core-01", "core-02", "core-03"])
      await p.waitForSelector(machineRow(n, "running"));
    await p.waitForSelector("table.etcd tbody tr:nth-child(3)");
    expect(await p.locator("table.machines [data-leader]").count()).toBe(1);
    expect(await p.locator("table.etcd [data-leader]").count()).toBe(1);
    expect(await p.locator("svg.topology g.node[data-leader]").count()).toBe(1);
    // The page's leader is the one etcd itself names.
    const leader = (await statusJson(c)).find((m) => m.etcd?.isLeader)?.name;
    expect(await p.locator("svg.topology g.node[data-leader]").getAttribute("data-machine")).toBe(
      leader,
    );
    await b?.shot("1-running-light");

    const background = () => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await p.emulateMedia({ colorScheme: "dark" });
    expect(await background()).not.toBe(light);
    await b?.shot("1-running-dark");
    await p.emulateMedia({ colorScheme: "light" });

    await p.setViewportSize({ width: 390, height: 844 });
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, "the page scrolls sideways on a narrow window").toBeLessThanOrEqual(0);
    await b?.shot("1-running-narrow");
    await p.setViewportSize({ width: 1280, height: 800 });
  });

  it("refuses requests without the token and answers bad ones with an error", async () => {
    expect((await api("/")).status).toBe(403);
    expect((await api("/api/cluster?token=wrong")).status).toBe(403);
    expect((await api("/api/events")).status).toBe(403);
    const halt = await api("/api/machines/core-01/halt", { method: "POST" });
    expect(halt.status).toBe(403);
    expect(((await halt.json()) as { error: string }).error).toContain("token");
    expect((await statusJson(c)).find((m) => m.name === "core-01")?.state).toBe("running");

    const auth = { authorization: `token ${token()}` };
    const cluster = await api("/api/cluster", { headers: auth });
    expect(cluster.status).toBe(200);
    const view = (await cluster.json()) as {
      created: boolean;
      machines: Array<{ name: string; state: string }>;
      etcd: { members: unknown[] };
      fleet: { reachable: boolean };
    };
    expect(view.created).toBe(true);
    expect(view.machines.map((m) => [m.name, m.state])).toEqual([
      ["core-01", "running"],
      ["core-02", "running"],
      ["core-03", "running"],
    ]);
    expect(view.etcd.members).toHaveLength(3);
    expect(view.fleet.reachable).toBe(true);
    // An action is a POST, and only on what exists.
    expect((await api("/api/machines/core-01/halt", { headers: auth })).status).toBe(405);
    expect(
      (await api("/api/machines/core-09/halt", { method: "POST", headers: auth })).status,
    ).toBe(404);
    expect(
      (await api("/api/machines/core-01/explode", { method: "POST", headers: auth })).status,
    ).toBe(404);
    expect(
      (await api("/api/units/nope.service/start", { method: "POST", headers: auth })).status,
    ).toBe(404);
    expect((await api("/api/machines/%E0%A4%A/up", { method: "POST", headers: auth })).status).toBe(
      400,
    );
  });

  it("shows `shoal halt core-02` from a terminal within 2 s, greyed in the topology; `shoal up core-02` brings it back", async () => {
    const p = page();
    await c.ok(["halt", "core-02"]);
    await p.waitForSelector(machineRow("core-02", "poweroff"), { timeout: 2_000 });
    await p.waitForSelector('svg.topology g.node.off[data-machine="core-02"]', { timeout: 2_000 });
    await p.waitForSelector('ol.events li[data-kind="halt"]');
    await b?.shot("2-core-02-halted");

    await c.ok(["up", "core-02", "--timeout", "60s"]);
    await p.waitForSelector(machineRow("core-02", "running"), { timeout: 2_000 });
    await p.waitForSelector('svg.topology g.node:not(.off)[data-machine="core-02"]');
    await p.waitForSelector("table.etcd tbody tr:nth-child(3)");
    await b?.shot("3-core-02-back");
  });

  it("draws a unit started with fleetctl on the machine fleet put it on, and tails its journal", async () => {
    const p = page();
    const unit = join(c.dir, "hello.service");
    writeFileSync(
      unit,
      "[Unit]\nDescription=Hello from fleet\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hello from fleet; sleep 1; done'\n",
    );
    const started = await c.run(["ssh", "core-01", "--", `fleetctl start ${unit}`]);
    expect(started.code, started.stderr).toBe(0);
    const row = p.locator('table.fleet-units tr[data-unit="hello.service"]');
    await row.locator("text=active (running)").waitFor({ timeout: 20_000 });
    const machine = await row.getAttribute("data-machine");
    expect(machine).toMatch(/^core-0[123]$/);
    await p.waitForSelector(
      `svg.topology g.node[data-machine="${machine}"] text[data-unit="hello.service"]`,
    );
    // fleetctl, asked in the terminal, places it on the same machine.
    const list = await c.run([
      "ssh",
      "core-01",
      "--",
      "fleetctl list-units --no-legend --fields unit,machine",
    ]);
    const address = (await statusJson(c)).find((m) => m.name === machine)?.address;
    expect(list.stdout).toMatch(
      new RegExp(`hello\\.service\\s+\\S+/${address?.replaceAll(".", "\\.")}`),
    );

    await row.getByRole("button", { name: "hello.service" }).click();
    await p
      .locator("section.journal pre", { hasText: "hello from fleet" })
      .waitFor({ timeout: 10_000 });
    await b?.shot("4-fleet-unit");

    // The page's stop and start buttons are fleetctl's: the terminal sees what they did.
    const files = () =>
      c.run(["ssh", "core-01", "--", "fleetctl list-unit-files --no-legend --fields unit,dstate"]);
    await row.locator('button[data-action="stop"]').click();
    await row
      .locator("td", { hasText: /^loaded$/ })
      .first()
      .waitFor({ timeout: 10_000 });
    expect((await files()).stdout).toMatch(/hello\.service\s+loaded/);
    await row.locator('button[data-action="start"]').click();
    await row.locator("text=active (running)").waitFor({ timeout: 10_000 });
    expect((await files()).stdout).toMatch(/hello\.service\s+launched/);
  });

  it("shows each channel's release, each machine's release and update status, the reboot lock, and a paused rollout in red", async () => {
    const p = page();
    const machineCell = (name: string, label: string) =>
      p.locator(`table.machines tr[data-machine="${name}"] td[data-label="${label}"]`);
    const base = (
      JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
        version: string;
      }
    ).version;
    for (const n of ["core-01", "core-02", "core-03"]) {
      await p.waitForSelector(
        `table.machines tr[data-machine="${n}"] td[data-update-status="UPDATE_STATUS_IDLE"]`,
        { timeout: 20_000 },
      );
      expect(await machineCell(n, "release").textContent()).toBe(`${base} A`);
      expect(await machineCell(n, "channel").textContent()).toBe("stable");
    }
    await p.waitForSelector('table.channels tr[data-channel="stable"] [data-rollout="active"]');
    await p.locator(".reboot-lock", { hasText: "free (1 at a time)" }).waitFor();

    // A release published in a terminal, its bytes then changed on the server's disk.
    const published = await c.ok([
      "updates",
      "publish",
      "--channel",
      "stable",
      "--version",
      "9.1.0",
      releaseTree(join(c.stateDir, "release"), "9.1.0"),
    ]);
    tamper(publishedPayload(c.stateDir, published.stdout));
    await p.waitForSelector('table.channels tr[data-channel="stable"][data-release="9.1.0"]', {
      timeout: 3_000,
    });

    const lock = await c.run(["ssh", "core-02", "--", "locksmithctl", "lock"]);
    expect(lock.code, lock.stderr).toBe(0);
    await p.waitForSelector('.reboot-lock[data-holders="core-02"]', { timeout: 3_000 });

    // core-01 refuses the payload and reports it: the server pauses stable's rollout.
    await c.ok(["updates", "check", "core-01"]);
    const banner = p.locator('p.banner[data-paused="stable"]');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain("shoal updates resume stable");
    const rollout = p.locator('table.channels tr[data-channel="stable"] [data-rollout]');
    expect(await rollout.getAttribute("data-rollout")).toBe("paused");
    const red = await p.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--bad").trim(),
    );
    const colour = (sel: string) =>
      p
        .locator(sel)
        .first()
        .evaluate((el) => getComputedStyle(el).color);
    const probe = await p.evaluate((hex) => {
      const el = document.createElement("span");
      el.style.color = hex;
      document.body.append(el);
      const rgb = getComputedStyle(el).color;
      el.remove();
      return rgb;
    }, red);
    expect(await colour('table.channels tr[data-channel="stable"] [data-rollout]')).toBe(probe);
    expect(await colour('p.banner[data-paused="stable"]')).toBe(probe);
    await machineCell("core-01", "update")
      .locator(".problem-text", { hasText: "PayloadHashMismatch" })
      .waitFor({ timeout: 5_000 });
    await p.waitForSelector('ol.events li[data-kind="rollout-paused"]');
    expect(await colour('ol.events li[data-kind="rollout-paused"]')).toBe(probe);
    await b?.shot("4b-updates-paused");

    const auth = { authorization: `token ${token()}` };
    const view = (await (await api("/api/cluster", { headers: auth })).json()) as {
      machines: Array<{ name: string; version?: string; slot?: string; updateError?: string }>;
      updates: {
        channels: Array<{ name: string; release: string; paused?: string }>;
        rebootLock?: { max: number; holders: string[] };
      };
    };
    expect(view.updates.channels.find((ch) => ch.name === "stable")).toMatchObject({
      release: "9.1.0",
      paused: expect.stringContaining("PayloadHashMismatch"),
    });
    expect(view.updates.rebootLock).toEqual({ max: 1, holders: ["core-02"] });
    expect(view.machines.find((m) => m.name === "core-01")).toMatchObject({
      version: base,
      slot: "A",
      updateError: "error code 10 (PayloadHashMismatch) updating to 9.1.0",
    });

    await c.ok(["updates", "resume", "stable"]);
    await p.waitForSelector('table.channels tr[data-channel="stable"] [data-rollout="active"]', {
      timeout: 3_000,
    });
    expect(await banner.count()).toBe(0);
    await p.waitForSelector('ol.events li[data-kind="rollout-resumed"]');
    await c.ok(["ssh", "core-02", "--", "locksmithctl", "unlock"]);
    await p.locator(".reboot-lock", { hasText: "free (1 at a time)" }).waitFor({ timeout: 3_000 });
    await b?.shot("4c-updates-resumed");
  });

  it("tails a machine's console when its node in the topology is clicked", async () => {
    const p = page();
    await p.locator('svg.topology g.node[data-machine="core-02"]').click();
    const journal = p.locator("section.journal", { hasText: "core-02's console" });
    await journal.waitFor({ timeout: 5_000 });
    await journal.locator("pre", { hasText: /\S/ }).waitFor({ timeout: 10_000 });
  });

  it("halts a machine with its halt button, reached from the keyboard", async () => {
    const p = page();
    const target = 'button[data-action="halt"][data-machine="core-03"]';
    await p.locator("body").focus();
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await p.keyboard.press("Tab");
      reached = await p.evaluate((sel) => document.activeElement?.matches(sel) ?? false, target);
    }
    expect(reached, "the halt button is reachable with Tab").toBe(true);
    await p.keyboard.press("Enter");
    await waitFor(
      async () => (await statusJson(c)).find((m) => m.name === "core-03")?.state === "poweroff",
      {
        what: "core-03 powered off by the page's halt button",
        timeoutMs: 20_000,
      },
    );
    await p.waitForSelector(machineRow("core-03", "poweroff"), { timeout: 2_000 });
    await p.waitForSelector('[data-said="shoal halt core-03"]');
    await b?.shot("5-halt-button");
  });

  it("shows a cluster destroyed while the page is open as not created, and keeps serving", async () => {
    const p = page();
    await c.ok(["destroy", "-f"]);
    await p.waitForSelector('[data-banner="not-created"]', { timeout: 5_000 });
    for (const n of ["core-01", "core-02", "core-03"])
      await p.waitForSelector(machineRow(n, "not created"));
    const res = await api(`/api/cluster?token=${token()}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { created: boolean }).created).toBe(false);
    await b?.shot("6-destroyed");
  });

  it("logged no console errors, never polled, and stops on Ctrl-C", async () => {
    expect(b?.errors).toEqual([]);
    // One event stream for the whole run, one journal stream, the actions: nothing asked on a timer.
    const gets = (b?.requests ?? []).filter((r) => r.startsWith("GET /api/"));
    // The journal twice: a unit's, then a machine's console from the topology.
    expect(gets).toEqual(["GET /api/events", "GET /api/journal", "GET /api/journal"]);
    await b?.close();
    b = undefined;
    const code = await dash?.interrupt();
    expect(code, dash?.output()).toBe(0);
    expect(dash?.output()).toContain("Dashboard stopped.");
    expect(leaks(c, { bridge: false })).toEqual([]);
  });
});
