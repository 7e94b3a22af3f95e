import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memberList, Owner } from "../discovery/helpers.js";
import { EtcdGroup, type OwnedProcess, serveDiscovery } from "../e2e/harness/index.js";
import { shoal } from "../helpers/cli.js";

const owner = new Owner();
const etcd = new EtcdGroup();
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

/** `shoal discovery serve` in the background, as a user (or `shoal up`) runs it. */
async function serve(
  args: string[],
  env = process.env,
): Promise<{ proc: OwnedProcess; url: string }> {
  const served = await serveDiscovery(args, env);
  owner.defer(() => served.proc.kill());
  return served;
}

describe("shoal discovery serve | new", () => {
  it("serves tokens that real etcd members bootstrap from, and exits 0 on SIGTERM", async () => {
    const dir = owner.tempDir();
    const { proc, url } = await serve([
      "--listen",
      "127.0.0.1:0",
      "--store",
      `sqlite:${join(dir, "d.db")}`,
    ]);
    expect(proc.logs().trim()).toBe(`discovery server listening on ${url}`);

    const created = await shoal(["discovery", "new", "--size", "3", "--server", url]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(new RegExp(`^${url}/[0-9a-f]{32}$`));

    const members = [0, 1, 2].map((i) =>
      etcd.start({ name: `cli${i}`, host: `127.20.2.${i + 1}`, discovery: token }),
    );
    await Promise.all(members.map((m) => m.waitHealthy()));
    expect((await memberList(members[2]?.clientUrl as string)).length).toBe(3);

    proc.signal("SIGTERM");
    expect(await proc.waitExit(10_000)).toEqual({ code: 0, signal: null });
  });

  it("uses the state directory's SQLite file by default and the --public-url prefix", async () => {
    const state = owner.tempDir();
    const { url } = await serve(
      ["--listen", "127.0.0.1:0", "--public-url", "https://disc.example/"],
      {
        ...process.env,
        SHOAL_STATE_DIR: state,
      },
    );
    const res = await shoal(["discovery", "new", "--server", url]);
    expect(res.stdout.trim()).toMatch(/^https:\/\/disc\.example\/[0-9a-f]{32}$/);
    expect(existsSync(join(state, "discovery.db"))).toBe(true);
  });

  it("exits 0 on SIGINT (Ctrl-C) too, and frees its port", async () => {
    const { proc, url } = await serve([
      "--listen",
      "127.0.0.1:0",
      "--store",
      `sqlite:${join(owner.tempDir(), "d.db")}`,
    ]);
    proc.signal("SIGINT");
    expect(await proc.waitExit(10_000)).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("rejects bad flags with exit 2 and names the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["discovery", "serve", "--listen", "nowhere"], /--listen: bad listen address "nowhere"/],
      [["discovery", "serve", "--token-ttl", "soon"], /--token-ttl: bad duration "soon"/],
      [
        ["discovery", "serve", "--store", "redis:x"],
        /--store: bad store "redis:x": unknown kind "redis"/,
      ],
      [["discovery", "serve", "--max-size", "0"], /--max-size: bad value "0"/],
      [["discovery", "new", "--size", "-1"], /--size: bad value "-1"/],
    ];
    for (const [args, message] of cases) {
      const res = await shoal(args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });

  it("says why when the server refuses or cannot be reached (exit 1)", async () => {
    const { url } = await serve([
      "--listen",
      "127.0.0.1:0",
      "--store",
      `sqlite:${join(owner.tempDir(), "d.db")}`,
      "--max-size",
      "5",
    ]);
    const refused = await shoal(["discovery", "new", "--size", "9", "--server", url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "refused a new token (HTTP 400): Invalid field: size: must be at most 5, got 9",
    );
    const unreachable = await shoal(["discovery", "new", "--server", "http://127.0.0.1:1"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /cannot reach the discovery server at http:\/\/127\.0\.0\.1:1/,
    );
  });
});
