import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors/index.js";
import { machinePaths, readConfigDrive, writeConfigDrive } from "../../src/machine/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "shoal-drive-"));
  dirs.push(d);
  return d;
}

const meta = {
  hostname: "core-01",
  machineId: "8f1e0c5d2a7b4e9f8c3d6a1b5e7f9c2d",
  privateIpv4: "172.17.8.101",
  publicIpv4: "172.17.8.101",
  updateChannel: "beta",
  sshPublicKeys: { vagrant: "ssh-rsa AAAA vagrant" },
};

describe("config drive", () => {
  it("writes coreos-cloudinit's layout and reads back what it wrote", () => {
    const dir = tempDir();
    writeConfigDrive(dir, {
      userData: "#cloud-config\nhostname: x\n",
      meta,
      etcd: { role: "proxy", endpoints: ["http://172.17.8.101:2379"] },
      sharedNetwork: false,
    });
    const paths = machinePaths(dir);
    expect(paths.userData).toBe(join(dir, "config-drive/openstack/latest/user_data"));
    expect(readFileSync(paths.userData, "utf8")).toBe("#cloud-config\nhostname: x\n");
    // OpenStack's keys, EC2's address keys: what a config-drive/ec2 datasource gives.
    expect(JSON.parse(readFileSync(paths.metaData, "utf8"))).toMatchObject({
      uuid: meta.machineId,
      hostname: "core-01",
      public_keys: { vagrant: "ssh-rsa AAAA vagrant" },
      "local-ipv4": "172.17.8.101",
      "public-ipv4": "172.17.8.101",
    });
    const back = readConfigDrive(dir);
    expect(Buffer.from(back.userData).toString()).toBe("#cloud-config\nhostname: x\n");
    expect(back.meta).toEqual(meta);
    expect(back.etcd).toEqual({ role: "proxy", endpoints: ["http://172.17.8.101:2379"] });
    expect(back.sharedNetwork).toBe(false);
  });

  it("keeps binary (gzip) user-data byte for byte and defaults to an etcd member", () => {
    const dir = tempDir();
    const bytes = new Uint8Array([0x1f, 0x8b, 0, 1, 2, 255]);
    writeConfigDrive(dir, { userData: bytes, meta: { hostname: "h", machineId: "m" } });
    const back = readConfigDrive(dir);
    expect([...back.userData]).toEqual([...bytes]);
    expect(back.meta).toEqual({ hostname: "h", machineId: "m" });
    expect(back.etcd).toEqual({ role: "member" });
    expect(back.sharedNetwork).toBeUndefined();
  });

  it.each([
    ["missing", null, /cannot read the config drive/],
    ["not JSON", "{", /cannot read the config drive/],
    ["without uuid", '{"hostname":"h"}', /missing "uuid"/],
    ["with an empty hostname", '{"uuid":"u","hostname":""}', /missing "hostname"/],
  ])("rejects meta_data.json %s as bad input naming the file", (_name, text, message) => {
    const dir = tempDir();
    writeConfigDrive(dir, { userData: "", meta: { hostname: "h", machineId: "m" } });
    const { metaData } = machinePaths(dir);
    if (text === null) rmSync(metaData);
    else writeFileSync(metaData, text);
    expect(() => readConfigDrive(dir)).toThrow(InputError);
    expect(() => readConfigDrive(dir)).toThrow(message);
    try {
      readConfigDrive(dir);
    } catch (err) {
      expect((err as InputError).position?.file).toBe(metaData);
    }
  });
});
