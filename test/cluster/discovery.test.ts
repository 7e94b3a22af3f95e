import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshToken } from "../../src/cluster/discovery.js";
import { stopLocalServers } from "../../src/cluster/local-server.js";
import { alive } from "../../src/cluster/providers/index.js";
import { memberList, Owner } from "../discovery/helpers.js";
import { EtcdGroup } from "../e2e/harness/index.js";

const owner = new Owner();
const etcd = new EtcdGroup();
afterEach(async () => {
  await etcd.cleanup();
  await owner.cleanup();
});

function stateEnv(): NodeJS.ProcessEnv {
  const stateDir = owner.tempDir("shoal-state-");
  const env = { ...process.env, SHOAL_STATE_DIR: stateDir };
  owner.defer(() => stopLocalServers(env));
  return env;
}

const AUTO = { kind: "auto" } as const;

describe("the local discovery server `up` starts", () => {
  it("hands out a token before it has loaded; members asking at once bootstrap from it", async () => {
    const env = stateEnv();
    const host = "127.20.4.1";
    const token = await freshToken(AUTO, 3, host, env);
    expect(token.url).toMatch(/^http:\/\/127\.20\.4\.1:\d+\/[0-9a-f]{32}$/);
    // Started before the server said it listens: their first requests wait in its backlog.
    const members = [0, 1, 2].map((i) =>
      etcd.start({ name: `auto${i}`, host: `127.20.4.${i + 11}`, discovery: token.url }),
    );
    await token.served;
    await Promise.all(members.map((m) => m.waitHealthy()));
    expect((await memberList(members[0]?.clientUrl as string)).length).toBe(3);

    // A second cluster on the same host gets its token from the running server.
    const record = JSON.parse(
      readFileSync(join(env.SHOAL_STATE_DIR as string, `discovery-${host}.json`), "utf8"),
    ) as { pid: number; start: number; url: string };
    const again = await freshToken(AUTO, 1, host, env);
    expect(again.url.startsWith(`${record.url}/`)).toBe(true);
    expect(again.url).not.toBe(token.url);

    await stopLocalServers(env);
    expect(alive(record)).toBe(false);
  });

  it("reports a server that dies while loading, with its log, and leaves no process", async () => {
    const env = stateEnv();
    const host = "127.20.4.2";
    // Where the SQLite store should go stands a directory: the server cannot open it.
    mkdirSync(join(env.SHOAL_STATE_DIR as string, `discovery-${host}.db`), { recursive: true });
    const token = await freshToken(AUTO, 3, host, env);
    await expect(token.served).rejects.toThrow(
      /did not start on 127\.20\.4\.2; the end of \S*discovery-127\.20\.4\.2\.log:\n[\s\S]*discovery-127\.20\.4\.2\.db/,
    );
    const record = JSON.parse(
      readFileSync(join(env.SHOAL_STATE_DIR as string, `discovery-${host}.json`), "utf8"),
    ) as { pid: number; start: number };
    expect(alive(record)).toBe(false);
  });
});
