/**
 * `shoal doctor` on user namespaces, for root and for a user without it
 * (the tests run as root and drop to an unprivileged account).
 */
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/doctor/index.js";
import { privileges } from "../../src/host/index.js";
import { unprivilegedAccount } from "../e2e/cluster/harness.js";
import { type Account, shoal } from "../helpers/cli.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function doctor(user?: Account) {
  const dir = mkdtempSync(join(tmpdir(), "shoal-doctor-userns-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // Its own subnet: doctor binds the cluster's ports, which other test files' clusters use.
  writeFileSync(join(dir, "shoal.yaml"), "instances: 1\nnetwork:\n  subnet: 172.23.12.0/24\n");
  if (user) for (const p of [dir, join(dir, "shoal.yaml")]) chownSync(p, user.uid, user.gid);
  const env = { ...process.env, SHOAL_STATE_DIR: join(dir, "state"), HOME: dir };
  const result = await shoal(["doctor", "-o", "json"], {
    env,
    cwd: dir,
    ...(user ? { user } : {}),
  });
  const checks = (JSON.parse(result.stdout) as { checks: CheckResult[] }).checks;
  return (name: string) => checks.find((c) => c.name === name);
}

describe("shoal doctor and user namespaces", () => {
  it.runIf(privileges().root)(
    "as root, says what the kernel's settings mean for users without root",
    async () => {
      const check = await doctor();
      // This host's kernel allows them (the rootless e2e tests depend on it).
      expect(check("user-namespaces")).toEqual({
        name: "user-namespaces",
        required: false,
        status: "ok",
        detail: "users without root may create user namespaces: they get the rootless provider",
      });
      expect(check("namespaces")?.status).toBe("ok");
    },
  );

  it("for a user without root, tries a user namespace with its mounts and says machines are rootless", async () => {
    const user = privileges().root ? unprivilegedAccount() : undefined;
    const check = await doctor(user);
    expect(check("user-namespaces")).toMatchObject({
      status: "ok",
      detail:
        "a user namespace with mount, UTS and PID namespaces and a userxattr overlay can be created: machines use the rootless provider",
    });
    expect(check("namespaces")).toMatchObject({ status: "warn" });
    expect(check("namespaces")?.detail).toContain("shoal uses the rootless provider, or processes");
  });
});
