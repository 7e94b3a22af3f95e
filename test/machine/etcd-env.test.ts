import { describe, expect, it } from "vitest";
import {
  bindToMachine,
  builtinUnits,
  etcd04To34,
  etcd34Env,
  type MachineContext,
} from "../../src/machine/units/index.js";

const ctx = (over: Partial<MachineContext> = {}): MachineContext => ({
  machineDir: "/m",
  root: "/m/root",
  hostname: "core-01",
  machineId: "id",
  privateIpv4: "127.17.8.201",
  publicIpv4: "127.17.8.201",
  sharedNetwork: true,
  etcd: { role: "member" },
  shoal: { argv: ["node", "shoal"], commands: [] },
  ...over,
});

describe("etcd 0.4 options on etcd 3.4", () => {
  it("maps addr and peer-addr onto client and peer URLs (user-data-2014.sample)", () => {
    expect(
      etcd04To34({
        ETCD_ADDR: "172.17.8.101:4001",
        ETCD_PEER_ADDR: "172.17.8.101:7001",
        ETCD_NAME: "n",
      }),
    ).toEqual({
      ETCD_NAME: "n",
      ETCD_ADVERTISE_CLIENT_URLS: "http://172.17.8.101:4001",
      ETCD_LISTEN_CLIENT_URLS: "http://172.17.8.101:4001",
      ETCD_INITIAL_ADVERTISE_PEER_URLS: "http://172.17.8.101:7001",
      ETCD_LISTEN_PEER_URLS: "http://172.17.8.101:7001",
    });
  });

  it("listens on bind-addr and peer-bind-addr, advertises addr and peer-addr", () => {
    const env = etcd04To34({
      ETCD_ADDR: "10.0.0.1:4001",
      ETCD_BIND_ADDR: "0.0.0.0:4001",
      ETCD_PEER_ADDR: "10.0.0.1:7001",
      ETCD_PEER_BIND_ADDR: "0.0.0.0:7001",
    });
    expect(env.ETCD_LISTEN_CLIENT_URLS).toBe("http://0.0.0.0:4001");
    expect(env.ETCD_ADVERTISE_CLIENT_URLS).toBe("http://10.0.0.1:4001");
    expect(env.ETCD_LISTEN_PEER_URLS).toBe("http://0.0.0.0:7001");
    expect(env.ETCD_INITIAL_ADVERTISE_PEER_URLS).toBe("http://10.0.0.1:7001");
  });

  it("renames snapshot count and peer timers; keeps an explicit 3.4 setting", () => {
    expect(
      etcd04To34({
        ETCD_SNAPSHOTCOUNT: "100",
        ETCD_PEER_ELECTION_TIMEOUT: "500",
        ETCD_PEER_HEARTBEAT_INTERVAL: "50",
        ETCD_ADDR: "1.2.3.4:4001",
        ETCD_ADVERTISE_CLIENT_URLS: "http://keep:2379",
      }),
    ).toMatchObject({
      ETCD_SNAPSHOT_COUNT: "100",
      ETCD_ELECTION_TIMEOUT: "500",
      ETCD_HEARTBEAT_INTERVAL: "50",
      ETCD_ADVERTISE_CLIENT_URLS: "http://keep:2379",
    });
  });
});

describe("bindToMachine", () => {
  it.each([
    [
      "http://0.0.0.0:2379,http://0.0.0.0:4001",
      "http://127.17.8.201:2379,http://127.17.8.201:4001",
    ],
    ["http://localhost:2379,http://127.0.0.1:2379", "http://127.17.8.201:2379"],
    ["http://[::]:2379", "http://127.17.8.201:2379"],
    ["http://10.0.0.5:2379", "http://10.0.0.5:2379"],
  ])("%s", (urls, expected) => {
    expect(bindToMachine(urls, "127.17.8.201")).toBe(expected);
  });
});

describe("etcd34Env", () => {
  it("keeps what etcd 3.4 reads, drops the rest with a note, puts data in the machine", () => {
    const { env, notes } = etcd34Env(
      {
        PATH: "/bin",
        ETCD_NAME: "n",
        ETCD_DATA_DIR: "/var/lib/etcd2",
        ETCD_PEERS: "a:7001",
        ETCD_VERBOSE: "true",
      },
      ctx(),
    );
    expect(env.PATH).toBe("/bin");
    expect(env.ETCD_NAME).toBe("n");
    expect(env.ETCD_DATA_DIR).toBe("/m/root/var/lib/etcd2");
    expect(env.ETCD_PEERS).toBeUndefined();
    expect(notes).toEqual([
      "ignoring ETCD_PEERS: etcd 3.4 has no such option",
      "ignoring ETCD_VERBOSE: etcd 3.4 has no such option",
    ]);
  });

  it("binds listeners to the machine on a shared network, with defaults when unset", () => {
    const { env } = etcd34Env({ ETCD_LISTEN_CLIENT_URLS: "http://0.0.0.0:2379" }, ctx());
    expect(env).toMatchObject({
      ETCD_LISTEN_CLIENT_URLS: "http://127.17.8.201:2379",
      ETCD_LISTEN_PEER_URLS: "http://127.17.8.201:2380",
      ETCD_ADVERTISE_CLIENT_URLS: "http://127.17.8.201:2379",
      ETCD_INITIAL_ADVERTISE_PEER_URLS: "http://127.17.8.201:2380",
    });
  });

  it("leaves listeners alone in a machine with its own network", () => {
    const { env } = etcd34Env(
      { ETCD_LISTEN_CLIENT_URLS: "http://0.0.0.0:2379", ETCD_DATA_DIR: "/var/lib/etcd2" },
      ctx({ sharedNetwork: false, root: "/" }),
    );
    expect(env).toEqual({
      ETCD_LISTEN_CLIENT_URLS: "http://0.0.0.0:2379",
      ETCD_DATA_DIR: "/var/lib/etcd2",
    });
  });

  it("takes the host's ETCD_* defaults, user-data's settings winning", () => {
    const { env } = etcd34Env(
      { ETCD_ELECTION_TIMEOUT: "500" },
      ctx({
        sharedNetwork: false,
        etcd: {
          role: "member",
          env: { ETCD_HEARTBEAT_INTERVAL: "10", ETCD_ELECTION_TIMEOUT: "100" },
        },
      }),
    );
    expect(env).toEqual({ ETCD_HEARTBEAT_INTERVAL: "10", ETCD_ELECTION_TIMEOUT: "500" });
  });

  it("turns etcd2's ca-file into trusted-ca-file with client cert auth", () => {
    const { env } = etcd34Env(
      { ETCD_CA_FILE: "/ca", ETCD_PEER_CA_FILE: "/pca" },
      ctx({ sharedNetwork: false }),
    );
    expect(env).toEqual({
      ETCD_TRUSTED_CA_FILE: "/ca",
      ETCD_CLIENT_CERT_AUTH: "true",
      ETCD_PEER_TRUSTED_CA_FILE: "/pca",
      ETCD_PEER_CLIENT_CERT_AUTH: "true",
    });
  });
});

describe("fleet.service", () => {
  const prepare = (env: Record<string, string>) =>
    builtinUnits
      .get("fleet.service")
      ?.prepare?.(
        { argv: ["shoal", "fleetd"], env },
        ctx({ etcdEndpoints: () => ["http://127.17.8.201:4001"] }),
      );

  it("points fleet at this machine's etcd and public address unless user-data says otherwise", () => {
    expect(prepare({})?.env).toEqual({
      FLEET_ETCD_SERVERS: "http://127.17.8.201:4001",
      FLEET_PUBLIC_IP: "127.17.8.201",
    });
    expect(
      prepare({ FLEET_ETCD_SERVERS: "http://x:2379", FLEET_PUBLIC_IP: "1.2.3.4" })?.env,
    ).toEqual({
      FLEET_ETCD_SERVERS: "http://x:2379",
      FLEET_PUBLIC_IP: "1.2.3.4",
    });
  });
});
