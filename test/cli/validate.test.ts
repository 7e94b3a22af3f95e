import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { shoal } from "../helpers/cli.js";

const fixture = (name: string) =>
  new URL(`../fixtures/cloudinit/${name}`, import.meta.url).pathname;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempFile(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "shoal-validate-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// As a Chinese tutorial printed it: placeholder left in, last line at the wrong indentation.
const TUTORIAL = `#cloud-config
coreos:
  etcd:
    discovery: <集群标识URL地址>
    addr: $public_ipv4:4001
peer-addr: $public_ipv4:7001
`;

describe("shoal validate", () => {
  it("reports the tutorial's placeholder URL and misplaced key with true positions and a hint", async () => {
    const file = tempFile("user-data", TUTORIAL);
    const result = await shoal(["validate", file]);
    expect(result.stdout).toBe(
      `${file}:4:16: warning: discovery URL is not valid\n` +
        `${file}:6:1: warning: unrecognized key "peer_addr" (hint: this key belongs under coreos.etcd)\n`,
    );
    expect(result.code).toBe(0); // warnings only
    expect((await shoal(["validate", "--strict", file])).code).toBe(1);
  });

  it("gives the same entries as JSON, read from stdin", async () => {
    const result = await shoal(["validate", "-o", "json", "-"], { input: TUTORIAL });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        file: "<stdin>",
        entries: [
          { line: 4, column: 16, kind: "warning", message: "discovery URL is not valid" },
          {
            line: 6,
            column: 1,
            kind: "warning",
            message: 'unrecognized key "peer_addr"',
            hint: "this key belongs under coreos.etcd",
          },
        ],
      },
    ]);
  });

  it("finds no errors in either coreos-vagrant sample", async () => {
    const files = [fixture("user-data.sample"), fixture("user-data-2014.sample")];
    const result = await shoal(["validate", "--strict", "-o", "json", ...files]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(files.map((file) => ({ file, entries: [] })));
  });

  it("exits 1 on an error, sorts by line, and checks every file", async () => {
    const bad = tempFile(
      "bad",
      "#cloud-config\ncoreos:\n  units:\n    - name: a.service\n      command: lol\nbogus: 1\n",
    );
    const result = await shoal(["validate", fixture("user-data.sample"), bad]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      `${bad}:5:16: error: invalid value lol`,
      `${bad}:6:1: warning: unrecognized key "bogus"`,
      "",
    ]);
  });

  it("reports a YAML syntax error at its true line", async () => {
    const file = tempFile("syntax", "#cloud-config\nhostname: a: b\n");
    const result = await shoal(["validate", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${file}:2:\\d+: error: `));
  });

  it("says what is not cloud-config, and decompresses gzip first", async () => {
    const plain = tempFile("plain", "hostname: a\n");
    const result = await shoal(["validate", plain]);
    expect(result).toMatchObject({
      code: 1,
      stdout: `${plain}:1:1: error: must be "#cloud-config" or begin with "#!"\n`,
    });
    const gz = tempFile("gz", gzipSync(Buffer.from("#cloud-config\nbogus: 1\n")));
    expect((await shoal(["validate", gz])).stdout).toBe(
      `${gz}:2:1: warning: unrecognized key "bogus"\n`,
    );
  });

  it("exits 2 with a clear message, and no entries, when a file cannot be read", async () => {
    const good = fixture("user-data.sample");
    const missing = join(tmpdir(), "shoal-no-such-user-data");
    const result = await shoal(["validate", good, missing]);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `shoal: ${missing}: cannot read the file: no such file\n`,
    });
    const dir = await shoal(["validate", tmpdir()]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain("it is a directory");
  });

  it("refuses binary input with a message instead of a stack trace", async () => {
    const binary = tempFile("binary", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe]));
    const result = await shoal(["validate", binary]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe(`shoal: ${binary}: user-data is binary (it is not UTF-8 text)\n`);
    expect(result.stderr).not.toContain("    at ");
    const broken = tempFile("broken.gz", new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    const gz = await shoal(["validate", broken]);
    expect(gz.code).toBe(2);
    expect(gz.stderr).toContain("looks gzip-compressed but does not decompress");
  });

  it("needs at least one file", async () => {
    const result = await shoal(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument");
  });
});
