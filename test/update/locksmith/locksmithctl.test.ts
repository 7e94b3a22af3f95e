/**
 * locksmithctl as a machine's shell runs it: the built CLI, through the
 * machine's bin wrapper, against a real etcd on 127.24.11.2. Output and
 * exit codes are locksmith v0.6's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeMachineBin } from "../../../src/machine/shell.js";
import { EtcdGroup } from "../../e2e/harness/index.js";
import { type CliResult, runProgram, SHOAL_BIN, shoal } from "../../helpers/cli.js";

const etcd = new EtcdGroup();
let endpoint = "";
let machineDir = "";
let groupCounter = 0;
const MACHINE_ID = "5e0f4a1b2c3d4e5f60718293a4b5c6d7";

beforeAll(async () => {
  const [member] = await etcd.startCluster(["locksmithctl"], () => "127.24.11.2");
  endpoint = (member as { clientUrl: string }).clientUrl;
  machineDir = mkdtempSync(join(tmpdir(), "shoal-locksmithctl-"));
  mkdirSync(join(machineDir, "root", "etc"), { recursive: true });
  writeFileSync(join(machineDir, "root", "etc", "machine-id"), `${MACHINE_ID}\n`);
  writeMachineBin(machineDir, [process.execPath, SHOAL_BIN], [endpoint]);
});
afterAll(async () => {
  if (machineDir) rmSync(machineDir, { recursive: true, force: true });
  await etcd.cleanup();
});

/** `locksmithctl ARGS` in the machine's shell: its PATH, its environment, a group of this test's own. */
function inMachine(group: string, ...args: string[]): Promise<CliResult> {
  return runProgram([join(machineDir, "bin", "locksmithctl"), ...args], {
    env: { PATH: process.env.PATH, LOCKSMITHCTL_GROUP: group },
  });
}

function freshGroup(): string {
  groupCounter += 1;
  return `ctl-${process.pid}-${groupCounter}`;
}

describe("locksmithctl", () => {
  it("status, lock and unlock with this machine's id by default, as upstream prints them", async () => {
    const g = freshGroup();
    expect(await inMachine(g, "status")).toEqual({
      code: 0,
      stdout: "Available: 1\nMax: 1\n",
      stderr: "",
    });
    expect(await inMachine(g, "lock")).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await inMachine(g, "status")).toEqual({
      code: 0,
      stdout: `Available: 0\nMax: 1\n\nMACHINE ID\n${MACHINE_ID}\n`,
      stderr: "",
    });
    expect(await inMachine(g, "lock", "other")).toEqual({
      code: 1,
      stdout: "",
      stderr: "Error locking: semaphore is at 0\n",
    });
    expect(await inMachine(g, "unlock", "other")).toEqual({
      code: 1,
      stdout: "",
      stderr: "Error unlocking: holder does not exist\n",
    });
    expect(await inMachine(g, "unlock")).toEqual({ code: 0, stdout: "", stderr: "" });
    expect((await inMachine(g, "status")).stdout).toBe("Available: 1\nMax: 1\n");
  });

  it("set-max prints the old and new maximum; below the holders, Available goes negative", async () => {
    const g = freshGroup();
    expect(await inMachine(g, "set-max", "3")).toEqual({
      code: 0,
      stdout: "Old-Max: 1\nMax: 3\n",
      stderr: "",
    });
    for (const id of ["m-b", "m-a", "m-c"]) expect((await inMachine(g, "lock", id)).code).toBe(0);
    expect((await inMachine(g, "set-max", "1")).stdout).toBe("Old-Max: 3\nMax: 1\n");
    expect((await inMachine(g, "status")).stdout).toBe(
      "Available: -2\nMax: 1\n\nMACHINE ID\nm-a\nm-b\nm-c\n",
    );
    expect((await inMachine(g, "lock", "m-d")).stderr).toBe("Error locking: semaphore is at -2\n");
  });

  it("refuses bad set-max values with upstream's words and status 1", async () => {
    const g = freshGroup();
    expect(await inMachine(g, "set-max")).toEqual({
      code: 1,
      stdout: "",
      stderr: "New maximum value must be set.\n",
    });
    expect(await inMachine(g, "set-max", "two")).toEqual({
      code: 1,
      stdout: "",
      stderr: "Invalid maximum value: two\n",
    });
    // Go's flag parsing takes -1 for a flag; after -- it is a value.
    expect(await inMachine(g, "set-max", "-1")).toEqual({
      code: 2,
      stdout: "flag provided but not defined: -1\n",
      stderr: "flag provided but not defined: -1\nUsage:\n",
    });
    expect((await inMachine(g, "set-max", "--", "-1")).stdout).toBe("Old-Max: 1\nMax: -1\n");
  });

  it("takes Go-style flags: -endpoint and --endpoint=, repeated or comma-separated", async () => {
    const g = freshGroup();
    const dead = "http://127.24.11.99:2379";
    for (const flags of [
      ["-endpoint", endpoint],
      [`--endpoint=${endpoint}`],
      ["-endpoint", `${dead},${endpoint}`],
      ["-endpoint", dead, "--endpoint", endpoint],
      ["-etcd-username", "", "-etcd-password", "", "-debug", "-group", g],
    ]) {
      const res = await inMachine(g, ...flags, "status");
      expect(res, flags.join(" ")).toEqual({
        code: 0,
        stdout: "Available: 1\nMax: 1\n",
        stderr: "",
      });
    }
  });

  it("says when etcd cannot be reached, with status 1", async () => {
    const res = await inMachine(freshGroup(), "-endpoint", "http://127.24.11.99:2379", "lock");
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^Error initializing etcd client: client: etcd cluster is unavailable or misconfigured; error #0: dial tcp 127\.24\.11\.99:2379: connect: ECONNREFUSED\n$/,
    );
    const bad = await inMachine(freshGroup(), "-endpoint", "127.0.0.1:2379", "status");
    expect(bad).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'Error initializing etcd client: endpoint "127.0.0.1:2379" is not an etcd URL (http://HOST:PORT)\n',
    });
  });

  it("answers usage errors, help and version as upstream", async () => {
    const g = freshGroup();
    expect(await inMachine(g, "frobnicate")).toEqual({
      code: 2,
      stdout:
        "locksmithctl: unknown subcommand: \"frobnicate\"\nRun 'locksmithctl help' for usage.\n",
      stderr: "",
    });
    const unknownFlag = await inMachine(g, "-bogus", "status");
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stdout).toBe("");
    expect(unknownFlag.stderr).toMatch(
      /^flag provided but not defined: -bogus\nUsage of locksmithctl:\n {2}-debug\n {4}\tPrint out debug information to stderr\.\n {2}-endpoint value\n/,
    );
    expect((await inMachine(g, "-endpoint")).stderr).toMatch(
      /^flag needs an argument: -endpoint\n/,
    );
    expect(await inMachine(g, "-version")).toEqual({
      code: 0,
      stdout: "locksmithctl version 0.6.2+shoal\n",
      stderr: "",
    });
    const help = await inMachine(g);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      "COMMANDS:\n\thelp\tShow a list of commands or help for one command\n\tlock\tLock this machine or a given machine-id for reboot.\n\tset-max\tSet the maximum number of lock holders\n",
    );
    expect(help.stdout).toContain(
      "\t--debug=false\t\t\t\t\t\tPrint out debug information to stderr.\n\t--endpoint=http://127.0.0.1:2379,http://127.0.0.1:4001\tetcd endpoint",
    );
    expect(await inMachine(g, "help", "unlock")).toEqual({
      code: 0,
      stdout:
        'NAME:\n\tunlock - Unlock this machine or a given machine-id for reboot.\n\nUSAGE:\n\tlocksmithctl unlock <machine-id>\n\nDESCRIPTION:\n\tUnlock is for manual unlocking of the reboot unlock for this machine or a\n\tgiven machine-id. Under normal operation this should not be necessary.\n\nFor help on global options run "locksmithctl help"\n',
      stderr: "",
    });
    expect(await inMachine(g, "help", "nope")).toEqual({
      code: 1,
      stdout: "Unrecognized command: nope\n",
      stderr: "",
    });
  });

  it("runs from the host as `shoal locksmithctl` too", async () => {
    const res = await shoal([
      "locksmithctl",
      "-endpoint",
      endpoint,
      "-group",
      freshGroup(),
      "status",
    ]);
    expect(res).toEqual({ code: 0, stdout: "Available: 1\nMax: 1\n", stderr: "" });
  });
});
