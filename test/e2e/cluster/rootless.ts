/**
 * What makes a rootless machine a machine, driven as its user would: run
 * as an unprivileged account (the tests themselves run as root), `shoal up`
 * with the default provider choice, then ssh, reload, halt and destroy.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Account, SHOAL_BIN } from "../../helpers/cli.js";
import { agentPid } from "../harness/index.js";
import { newCluster, processesMentioning, type TestCluster, teardown } from "./harness.js";

export function rootlessScenarios(user: Account | undefined): void {
  const clusters: TestCluster[] = [];
  afterEach(async () => {
    const leaked: string[] = [];
    for (const c of clusters.splice(0)) leaked.push(...(await teardown(c, { bridge: false })));
    expect(leaked, "left behind after `shoal destroy -f`").toEqual([]);
  });

  describe("a rootless machine, for a user without root", () => {
    it("is chosen by auto, has its own hostname, /etc, /usr layer, processes and PID 1, and leaves nothing behind", async () => {
      const c = newCluster("user-data.sample", "$num_instances=1\n", user ? { user } : {});
      clusters.push(c);
      const sh = async (command: string) => {
        const r = await c.run(["ssh", "core-01", "--", command]);
        expect(r.code, `${command}\n${r.stderr}`).toBe(0);
        return r.stdout.trim();
      };
      const hostEnvironment = readFileSync("/etc/environment", "utf8");

      const up = await c.ok(["up", "--timeout", "60s"]);
      expect(up.stdout).toContain("Bringing machine 'core-01' up with 'rootless' provider...");
      expect((await c.ok(["status"])).stdout).toContain(
        "core-01                   running (rootless)\n",
      );

      // The machine runs as the user: no root on the host.
      const agent = agentPid(c.machineDir("core-01"));
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${agent}/status`, "utf8"))?.[1];
      expect(Number(uid)).toBe(user?.uid ?? process.getuid?.());

      expect(await sh("hostname")).toBe("core-01");
      const environment = await sh("cat /etc/environment");
      expect(environment).toContain("COREOS_PUBLIC_IPV4=127.17.8.101");
      expect(`${environment}\n`).toBe(
        readFileSync(join(c.machineDir("core-01"), "root", "etc", "environment"), "utf8"),
      );
      expect(readFileSync("/etc/environment", "utf8")).toBe(hostEnvironment);

      // Its own PID namespace: PID 1 is its init, the agent its child, and none of the host's processes.
      const ps = (await sh("ps -eo pid=,ppid=,args=")).split("\n").map((l) => l.trim());
      expect(ps[0]).toMatch(/^1 +0 \/bin\/sh -c /);
      expect(ps.some((l) => /^\d+ +1 .*node .* machine boot --dir /.test(l))).toBe(true);
      expect(ps.filter((l) => l.includes("vitest"))).toEqual([]);
      expect(ps.length).toBeLessThan(20);

      // PID 1 reaps what is orphaned in the machine.
      const reaped = await sh(
        `p=$(sh -c 'sleep 0.2 >/dev/null 2>&1 & echo $!')
for i in $(seq 200); do ps -p "$p" >/dev/null || { echo reaped; exit 0; }; sleep 0.05; done
ps -o stat= -p "$p"`,
      );
      expect(reaped).toBe("reaped");

      // The release is the running /usr slot's (USR-A, the base release: shoal's version).
      const version = JSON.parse(
        readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
      ).version as string;
      expect(await sh("cat /etc/os-release")).toContain(`\nVERSION_ID=${version}\n`);

      // /usr is writable for the update slots, in the machine's own layer only.
      await sh("mkdir -p /usr/lib/shoal-slot && echo a > /usr/lib/shoal-slot/file");
      expect(
        readFileSync(
          join(c.machineDir("core-01"), "root", "usr", "lib", "shoal-slot", "file"),
          "utf8",
        ),
      ).toBe("a\n");
      expect(existsSync("/usr/lib/shoal-slot")).toBe(false);

      // reload: a new boot, same machine.
      const before = agentPid(c.machineDir("core-01"));
      await c.ok(["reload", "--timeout", "60s"]);
      expect(agentPid(c.machineDir("core-01"))).not.toBe(before);
      expect(await sh("hostname; cat /usr/lib/shoal-slot/file")).toBe("core-01\na");

      // halt: no process of the machine and no mount on the host.
      await c.ok(["halt"]);
      expect((await c.ok(["status"])).stdout).toContain(
        "core-01                   poweroff (rootless)\n",
      );
      expect(processesMentioning([join(c.dir, ".shoal")])).toEqual([]);
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(c.dir);

      // destroy: .shoal/ goes; the state dir holds no probe leftovers.
      await c.ok(["destroy", "-f"]);
      expect(readdirSync(c.dir).sort()).toEqual(["config.rb", "user-data"]);
      expect(readdirSync(c.stateDir).filter((f) => f.includes("probe"))).toEqual([]);
    }, 180_000);

    // Mounts below /etc, /usr and /var (as /run always has): the kernel refuses those as
    // overlay lower layers in a user namespace. `up` runs where such mounts exist (a
    // private mount namespace, so the host is not touched) and must fall back.
    it.runIf(user !== undefined)(
      "boots where the host has mounts below /etc, /usr and /var: /etc copied, /var its own, /usr split",
      async () => {
        const account = user as Account;
        const c = newCluster("user-data.sample", "$num_instances=1\n", { user: account });
        clusters.push(c);
        const mounts = ["/etc/opt", "/usr/local/src", "/var/mail"];
        const script = `${mounts.map((m) => `mount -t tmpfs tmpfs ${m}`).join("\n")}
exec setpriv --reuid=${account.uid} --regid=${account.gid} --clear-groups -- "$@"`;
        await new Promise<void>((resolve, reject) =>
          execFile(
            "unshare",
            ["--mount", "--propagation", "private", "--", "sh", "-ec", script, "sh"].concat([
              process.execPath,
              SHOAL_BIN,
              "up",
              "--timeout",
              "60s",
            ]),
            { env: c.env, cwd: c.dir },
            (err, stdout, stderr) =>
              err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(),
          ),
        );
        const fstab = readFileSync(join(c.machineDir("core-01"), "fstab"), "utf8");
        const root = join(c.machineDir("core-01"), "root");
        expect(fstab).toContain(`${root}/etc ${c.machineDir("core-01")}/merged/etc none bind 0 0`);
        expect(fstab).toContain(`${root}/var ${c.machineDir("core-01")}/merged/var none bind 0 0`);
        expect(fstab).toContain(`/usr ${c.machineDir("core-01")}/merged/usr none rbind 0 0`);
        expect(fstab).toMatch(/^overlay \S+\/merged\/usr\/share overlay /m);
        expect(fstab).not.toMatch(/merged\/usr\/local overlay/);

        const sh = async (command: string) =>
          (await c.ok(["ssh", "core-01", "--", command])).stdout.trim();
        expect(await sh("hostname")).toBe("core-01");
        expect(await sh("cat /etc/environment")).toContain("COREOS_PUBLIC_IPV4=127.17.8.101");
        expect(await sh("etcdctl endpoint health 2>&1")).toContain("is healthy");
        // The copy of /etc leaves the host's enabled services out (the host runs etcd.service).
        expect(await sh("ls /etc/systemd/system/multi-user.target.wants 2>/dev/null | wc -l")).toBe(
          "0",
        );
        expect(existsSync(join(root, "etc", "passwd"))).toBe(true);
        await sh("echo b > /usr/share/shoal-slot");
        expect(readFileSync(join(root, "usr", "share", "shoal-slot"), "utf8")).toBe("b\n");
        expect(existsSync("/usr/share/shoal-slot")).toBe(false);
      },
      180_000,
    );
  });
}
