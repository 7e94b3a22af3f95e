import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Owner } from "../discovery/helpers.js";
import { SHOAL_BIN, shoal } from "../helpers/cli.js";
import { omaha, releaseTree, serveUpdates } from "../update/helpers.js";

const owner = new Owner();

/** Runs a program to its end; its exit code and output. */
function run(
  bin: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env: opts.env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
afterEach(() => owner.cleanup());

function tarball(dir: string, name: string, args: string[]): string {
  const out = join(dir, name);
  execFileSync("tar", ["czf", out, ...args], { cwd: dir, stdio: "pipe" });
  return out;
}

describe("shoal updates publish", () => {
  it("refuses bad input with exit 2, a clear message, and publishes nothing", async () => {
    const dir = owner.tempDir("shoal-updates-");
    const store = join(dir, "store");
    const good = releaseTree(join(dir, "good"), "1.1.0");
    const escaping = tarball(dir, "escaping.tar.gz", [
      "--transform",
      "s,^good/,../,",
      "good/bin/hello",
    ]);
    const absolute = tarball(dir, "absolute.tar.gz", ["-P", join(good, "bin/hello")]);
    const linkOut = join(dir, "link-out");
    mkdirSync(join(linkOut, "bin"), { recursive: true });
    symlinkSync("/etc/passwd", join(linkOut, "bin", "passwd"));
    const linkOutTar = tarball(dir, "link-out.tar.gz", ["-C", linkOut, "bin"]);
    const corrupt = join(dir, "corrupt.tar.gz");
    writeFileSync(corrupt, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]));
    const publish = (...args: string[]) => shoal(["updates", "publish", "--store", store, ...args]);

    const cases: [string[], RegExp][] = [
      [
        ["--channel", "stable", "--version", "1.1.0", join(dir, "missing")],
        /missing: no such file or directory/,
      ],
      [
        ["--channel", "stable", "--version", "1.1", good],
        /--version: bad version "1.1": expected MAJOR.MINOR.PATCH/,
      ],
      [["--channel", "stable", "--version", "v1.1.0", good], /--version: bad version "v1.1.0"/],
      [["--channel", "edge", "--version", "1.1.0", good], /--channel: unknown channel "edge"/],
      [
        ["--channel", "stable", "--version", "1.1.0", corrupt],
        /corrupt\.tar\.gz: not a readable \.tar\.gz/,
      ],
      [
        ["--channel", "stable", "--version", "1.1.0", escaping],
        /escaping\.tar\.gz: \.\.\/bin\/hello escapes \/usr/,
      ],
      [
        ["--channel", "stable", "--version", "1.1.0", absolute],
        /absolute\.tar\.gz: \/.*bin\/hello is an absolute path/,
      ],
      [
        ["--channel", "stable", "--version", "1.1.0", linkOut],
        /link-out: bin\/passwd is a symlink to \/etc\/passwd, outside \/usr/,
      ],
      [
        ["--channel", "stable", "--version", "1.1.0", linkOutTar],
        /link-out\.tar\.gz: bin\/passwd is a symlink to \/etc\/passwd, outside \/usr/,
      ],
      [
        ["--channel", "stable", "--version", "0.0.9", good],
        /version 0\.0\.9 is not greater than stable's current 0\.1\.0/,
      ],
      [["--channel", "stable", good], /required option '--version <version>' not specified/],
    ];
    for (const [args, message] of cases) {
      const res = await publish(...args);
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr, args.join(" ")).toMatch(message);
    }
    const channels = JSON.parse(
      (await shoal(["updates", "channels", "--store", store, "-o", "json"])).stdout,
    );
    expect(channels.map((c: { release: string; base: boolean }) => [c.release, c.base])).toEqual([
      ["0.1.0", true],
      ["0.1.0", true],
      ["0.1.0", true],
    ]);
    // Only the base releases' payloads are in the store: nothing half-published was left.
    const payloads = readdirSync(join(store, "payloads"));
    expect(payloads.every((f) => /^[0-9a-f]{64}\.tar\.gz$/.test(f))).toBe(true);
    expect(payloads.length).toBeLessThanOrEqual(3);

    const ok = await publish("--channel", "stable", "--version", "1.1.0", good);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^published 1\.1\.0 to stable \(\d+ bytes, sha256 [A-Za-z0-9+/]{43}=\)\n$/,
    );
    const again = await publish("--channel", "stable", "--version", "1.1.0", good);
    expect([again.code, again.stderr]).toEqual([
      2,
      expect.stringContaining("version 1.1.0 is not greater than stable's current 1.1.0"),
    ]);
    const forced = await publish(
      "--channel",
      "stable",
      "--version",
      "1.0.5",
      "--force",
      tarball(dir, "good.tar.gz", ["-C", good, "."]),
    );
    expect(forced.code, forced.stderr).toBe(0);
  });
});

describe("shoal updates publish, twice at once", () => {
  it("takes exactly one of two publishes of the same version, and keeps only its payload", async () => {
    const dir = owner.tempDir("shoal-updates-");
    const store = join(dir, "store");
    await shoal(["updates", "channels", "--store", store]);
    const before = readdirSync(join(store, "payloads")).length;
    const trees = [0, 1].map((i) => releaseTree(join(dir, `t${i}`), `2.0.${i}`));
    const results = await Promise.all(
      trees.map((tree) =>
        shoal([
          "updates",
          "publish",
          "--store",
          store,
          "--channel",
          "beta",
          "--version",
          "2.0.0",
          tree,
        ]),
      ),
    );
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(results.find((r) => r.code === 2)?.stderr).toContain(
      "version 2.0.0 is not greater than beta's current 2.0.0",
    );
    expect(readdirSync(join(store, "payloads")).length).toBe(before + 1);
  });
});

describe("shoal updates serve | channels | status | resume", () => {
  it("serves what publish adds, shows machines, and resumes a paused channel", async () => {
    const dir = owner.tempDir("shoal-updates-");
    const env = { ...process.env, SHOAL_STATE_DIR: dir };
    const { proc, url } = await serveUpdates(
      ["--listen", "127.0.0.1:0", "--poll-interval", "2m"],
      env,
    );
    owner.defer(() => proc.kill());
    const published = await shoal(
      [
        "updates",
        "publish",
        "--channel",
        "beta",
        "--version",
        "2.0.0",
        releaseTree(join(dir, "t"), "2.0.0"),
      ],
      { env },
    );
    expect(published.code, published.stderr).toBe(0);

    expect(
      (await omaha(url, { machineId: "id1", alias: "core-01", version: "0.1.0", track: "beta" }))
        .reading,
    ).toMatchObject({ kind: "update", version: "2.0.0", pollInterval: 120 });
    await omaha(url, { machineId: "id2", alias: "core-02", version: "0.1.0", track: "beta" });
    await omaha(url, { machineId: "id3", alias: "core-03", version: "0.1.0", track: "stable" });
    await omaha(url, {
      machineId: "id2",
      version: "0.1.0",
      track: "beta",
      updateCheck: false,
      events: [{ type: 3, result: 0, errorCode: 11 }],
    });

    const status = await shoal(["updates", "status", "-o", "json"], { env, cwd: dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({
        name: "core-01",
        channel: "beta",
        version: "0.1.0",
        status: "UPDATE_STATUS_UPDATE_AVAILABLE",
        newVersion: "2.0.0",
        lastError: "",
      }),
      expect.objectContaining({
        name: "core-02",
        channel: "beta",
        status: "UPDATE_STATUS_REPORTING_ERROR_EVENT",
        lastError: "error code 11 (PayloadSizeMismatch) updating to 2.0.0",
      }),
      expect.objectContaining({
        name: "core-03",
        channel: "stable",
        status: "UPDATE_STATUS_IDLE",
        newVersion: "",
      }),
    ]);
    const table = (await shoal(["updates", "status"], { env, cwd: dir })).stdout.split("\n");
    // Outside a cluster directory only the server's record: no slot, the lock unknown.
    expect(table[0]).toMatch(
      /^NAME +CHANNEL +VERSION +SLOT +STATUS +NEW-VERSION +REBOOT-LOCK +LAST-ERROR$/,
    );
    expect(table[3]).toMatch(/^core-03 +stable +0\.1\.0 +- +UPDATE_STATUS_IDLE +- +- +-$/);

    const channels = await shoal(["updates", "channels"], { env });
    expect(channels.stdout).toMatch(/^beta +2\.0\.0 +\S+ +paused +2 on 0\.1\.0$/m);
    expect(channels.stdout).toMatch(/^stable +0\.1\.0 \(base\) +\S+ +active +1 on 0\.1\.0$/m);
    expect(channels.stdout).toContain(
      "beta is paused: core-02 reported error code 11 (PayloadSizeMismatch) updating to 2.0.0",
    );
    expect(
      (await omaha(url, { machineId: "id4", version: "0.1.0", track: "beta" })).reading.kind,
    ).toBe("noupdate");

    expect((await shoal(["updates", "resume", "beta"], { env })).stdout).toBe(
      "beta: rollout of 2.0.0 resumed\n",
    );
    expect((await shoal(["updates", "resume", "beta"], { env })).stdout).toBe(
      "beta: rollout of 2.0.0 was not paused\n",
    );
    expect(
      (await omaha(url, { machineId: "id4", version: "0.1.0", track: "beta" })).reading.kind,
    ).toBe("update");
    const bad = await shoal(["updates", "resume", "edge"], { env });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('unknown channel "edge"')]);

    proc.signal("SIGTERM");
    expect(await proc.waitExit(10_000)).toEqual({ code: 0, signal: null });
  });

  it("rejects bad serve flags with exit 2 and names the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["updates", "serve", "--listen", "nowhere"], /--listen: bad listen address "nowhere"/],
      [["updates", "serve", "--poll-interval", "often"], /--poll-interval: bad duration "often"/],
    ];
    for (const [args, message] of cases) {
      const res = await shoal(args, { env: { ...process.env, SHOAL_STATE_DIR: owner.tempDir() } });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });
});

describe("shoal updates as an unprivileged user", () => {
  it("publishes and lists, keeping the store (and its signing key) to its owner", async () => {
    const dir = owner.tempDir("shoal-updates-");
    chmodSync(dir, 0o777);
    const tree = releaseTree(join(dir, "tree"), "1.1.0");
    chmodSync(join(dir, "tree"), 0o755);
    const nobody = (args: string[]) =>
      run(
        "setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, SHOAL_BIN, ...args],
        {
          env: { ...process.env, HOME: dir, SHOAL_STATE_DIR: join(dir, "state") },
        },
      );
    const published = await nobody([
      "updates",
      "publish",
      "--channel",
      "alpha",
      "--version",
      "1.1.0",
      tree,
    ]);
    expect(published.code, published.stderr).toBe(0);
    const channels = await nobody(["updates", "channels"]);
    expect(channels.stdout).toMatch(/^alpha +1\.1\.0 +/m);
    const store = join(dir, "state", "updates");
    expect(statSync(store)).toMatchObject({ uid: 65534 });
    expect(statSync(store).mode & 0o777).toBe(0o700);
    expect(statSync(join(store, "updates.db")).mode & 0o777).toBe(0o600);
  });
});
