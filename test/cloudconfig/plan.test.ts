import { describe, expect, it } from "vitest";
import {
  type MachineMeta,
  parseCloudConfig,
  plan,
  substitute,
} from "../../src/cloudconfig/index.js";
import { InputError } from "../../src/errors/index.js";

const meta: MachineMeta = {
  hostname: "core-01",
  machineId: "m",
  privateIpv4: "192.0.2.13",
  publicIpv4: "203.0.113.29",
};

function planOf(yaml: string, m: MachineMeta = meta) {
  const { config, error } = parseCloudConfig(substitute(`#cloud-config\n${yaml}`, m));
  expect(error).toBeUndefined();
  return plan(config, m);
}
const file = (p: ReturnType<typeof planOf>, path: string) => p.files.find((f) => f.path === path);
const dropIn = (p: ReturnType<typeof planOf>, unit: string) =>
  p.units.find((u) => u.name === unit && u.dropIns.length > 0)?.dropIns;

describe("plan", () => {
  it("writes the etcd2 drop-in (20-cloudinit.conf) byte for byte, in declaration order", () => {
    const p = planOf(
      "coreos:\n  etcd2:\n    proxy: on\n    name: n1\n    listen-client-urls: http://0.0.0.0:2379\n" +
        "    initial-advertise-peer-urls: http://$private_ipv4:2380\n    heartbeat-interval: 100\n" +
        "    discovery: https://discovery.etcd.io/tok\n    client-cert-auth: true\n" +
        "    advertise-client-urls: http://$public_ipv4:2379\n",
    );
    expect(dropIn(p, "etcd2.service")).toEqual([
      {
        name: "20-cloudinit.conf",
        content:
          "[Service]\n" +
          'Environment="ETCD_ADVERTISE_CLIENT_URLS=http://203.0.113.29:2379"\n' +
          'Environment="ETCD_CLIENT_CERT_AUTH=true"\n' +
          'Environment="ETCD_DISCOVERY=https://discovery.etcd.io/tok"\n' +
          'Environment="ETCD_HEARTBEAT_INTERVAL=100"\n' +
          'Environment="ETCD_INITIAL_ADVERTISE_PEER_URLS=http://192.0.2.13:2380"\n' +
          'Environment="ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379"\n' +
          'Environment="ETCD_NAME=n1"\n' +
          'Environment="ETCD_PROXY=on"\n',
      },
    ]);
  });

  it("uses upstream's irregular variable names and Go's number forms", () => {
    const p = planOf(
      "coreos:\n  etcd:\n    snapshot-count: 5\n    peer-bind-addr: x\n    discovery: http://d/t\n    cluster_remove_delay: 1800.0\n" +
        "  etcd2:\n    snapshot-count: 5\n  locksmith:\n    window-start: Thu 04:00\n    window-length: 1h\n    group: g\n" +
        "  fleet:\n    engine-reconcile-interval: 2000000\n    verbosity: 0\n",
    );
    expect(dropIn(p, "etcd.service")?.[0]?.content).toBe(
      '[Service]\nEnvironment="ETCD_CLUSTER_REMOVE_DELAY=1800"\nEnvironment="ETCD_DISCOVERY=http://d/t"\n' +
        'Environment="ETCD_PEER_BIND_ADDR=x"\nEnvironment="ETCD_SNAPSHOTCOUNT=5"\n',
    );
    expect(dropIn(p, "etcd2.service")?.[0]?.content).toBe(
      '[Service]\nEnvironment="ETCD_SNAPSHOT_COUNT=5"\n',
    );
    expect(dropIn(p, "locksmithd.service")?.[0]?.content).toBe(
      '[Service]\nEnvironment="LOCKSMITHD_GROUP=g"\nEnvironment="REBOOT_WINDOW_START=Thu 04:00"\n' +
        'Environment="REBOOT_WINDOW_LENGTH=1h"\n',
    );
    expect(dropIn(p, "fleet.service")?.[0]?.content).toBe(
      '[Service]\nEnvironment="FLEET_ENGINE_RECONCILE_INTERVAL=2e+06"\n',
    );
  });

  it("always lists the four built-in services after the user's units, then the update units", () => {
    const p = planOf(
      "coreos:\n  update:\n    reboot-strategy: off\n    group: beta\n  units:\n    - name: a.service\n      command: start\n    - command: stop\n",
    );
    expect(p.units.map((u) => [u.name, u.command ?? "", u.mask, u.runtime])).toEqual([
      ["a.service", "start", false, false],
      ["etcd.service", "", false, true],
      ["etcd2.service", "", false, true],
      ["fleet.service", "", false, true],
      ["locksmithd.service", "", false, true],
      ["locksmithd.service", "stop", true, true],
      ["update-engine.service", "restart", false, false],
    ]);
  });

  it("writes update.conf over the image's GROUP line, and the other set keys sorted", () => {
    const p = planOf(
      "coreos:\n  update:\n    reboot-strategy: etcd-lock\n    server: https://u\n",
      {
        ...meta,
        updateChannel: "stable",
      },
    );
    expect(file(p, "/etc/coreos/update.conf")?.content).toBe(
      "GROUP=stable\nREBOOT_STRATEGY=etcd-lock\nSERVER=https://u\n",
    );
    const q = planOf("coreos:\n  update:\n    group: beta\n", { ...meta, updateChannel: "stable" });
    expect(file(q, "/etc/coreos/update.conf")?.content).toBe("GROUP=beta\n");
    expect(file(planOf("hostname: a"), "/etc/coreos/update.conf")).toBeUndefined();
  });

  it("writes oem-release, hosts, flannel options and environment in upstream's formats", () => {
    const p = planOf(
      'hostname: h1\nmanage_etc_hosts: localhost\ncoreos:\n  oem:\n    id: rackspace\n    name: Rack "space"\n    version-id: 1.0\n' +
        "  flannel:\n    etcd-endpoints: http://a:2379\n    interface: $public_ipv4\n",
    );
    expect(file(p, "/etc/hostname")?.content).toBe("h1\n");
    expect(file(p, "/etc/oem-release")?.content).toBe(
      'ID=rackspace\nVERSION_ID=1.0\nNAME="Rack \\"space\\""\nHOME_URL=""\nBUG_REPORT_URL=""\n',
    );
    expect(file(p, "/etc/hosts")?.content).toBe("127.0.0.1 h1\n");
    expect(file(p, "/run/flannel/options.env")?.content).toBe(
      "FLANNELD_ETCD_ENDPOINTS=http://a:2379\nFLANNELD_IFACE=203.0.113.29",
    );
    expect(file(p, "/etc/environment")?.content).toBe(
      "COREOS_PRIVATE_IPV4=192.0.2.13\nCOREOS_PUBLIC_IPV4=203.0.113.29\n",
    );
    expect(p.files.map((f) => f.path)).toEqual([
      "/etc/hostname",
      "/etc/oem-release",
      "/etc/hosts",
      "/run/flannel/options.env",
      "/etc/environment",
    ]);
  });

  it("plans write_files with their modes and owners, and leaves /etc/environment to them", () => {
    const p = planOf(
      "write_files:\n  - path: etc/environment\n    content: X=1\n  - path: /opt/run.sh\n    permissions: 755\n" +
        "    owner: core:core\n    encoding: b64\n    content: ZWNobyBoaQo=\n",
    );
    expect(p.files.slice(1)).toEqual([
      { path: "/etc/environment", mode: 0o644, content: "X=1" },
      {
        path: "/opt/run.sh",
        mode: 0o755,
        owner: "core:core",
        content: new TextEncoder().encode("echo hi\n"),
      },
    ]);
  });

  it("plans users and one authorized_keys per user, core's from the top level and metadata", () => {
    const p = planOf(
      "ssh_authorized_keys:\n  - ssh-rsa TOP\nusers:\n  - name: core\n    ssh-authorized-keys: [ssh-rsa OLD]\n" +
        "  - name: ops\n    groups: [sudo, docker]\n    passwd: $6$x\n    ssh-authorized-keys: ['  ssh-ed25519 OPS  ']\n  - gecos: nameless\n",
      { ...meta, sshPublicKeys: { b: "ssh-rsa META-B", a: "ssh-rsa META-A" } },
    );
    expect(p.users.map((u) => u.name)).toEqual(["core", "ops"]);
    expect(p.users[1]).toMatchObject({ groups: ["sudo", "docker"], passwd: "$6$x" });
    expect(p.files.filter((f) => f.path.endsWith("authorized_keys"))).toEqual([
      {
        path: "/home/core/.ssh/authorized_keys",
        mode: 0o600,
        owner: "core",
        content: "ssh-rsa TOP\nssh-rsa META-A\nssh-rsa META-B\n",
      },
      {
        path: "/home/ops/.ssh/authorized_keys",
        mode: 0o600,
        owner: "ops",
        content: "ssh-ed25519 OPS\n",
      },
    ]);
  });

  it.each([
    ["manage_etc_hosts: yes-please", "Invalid option to manage_etc_hosts"],
    [
      "coreos:\n  update:\n    reboot-strategy: always",
      'invalid value "always" for option "RebootStrategy"',
    ],
    ["write_files:\n  - path: /a\n    permissions: rw", 'invalid permissions "rw"'],
    ["write_files:\n  - content: x", "has no path"],
    ["coreos:\n  units:\n    - name: a.service\n      command: lol", 'unsupported command "lol"'],
  ])("refuses what upstream's apply would fail on: %j", (yaml, message) => {
    const { config } = parseCloudConfig(`#cloud-config\n${yaml}`);
    expect(() => plan(config, meta)).toThrow(InputError);
    expect(() => plan(config, meta)).toThrow(message);
  });
});
