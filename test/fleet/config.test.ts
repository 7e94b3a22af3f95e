import { describe, expect, it } from "vitest";
import { InputError, ShoalError } from "../../src/errors/index.js";
import { fleetConfigFromEnv, parseMetadata } from "../../src/fleet/config.js";

describe("fleetd configuration from FLEET_* variables", () => {
  it("has fleet's defaults", () => {
    expect(fleetConfigFromEnv({})).toEqual({
      etcdServers: ["http://127.0.0.1:2379"],
      etcdKeyPrefix: "/_coreos.com/fleet/",
      etcdRequestTimeoutMs: 1000,
      engineReconcileIntervalMs: 2000,
      agentTtlSeconds: 30,
      metadata: {},
      disableEngine: false,
      tokenLimit: 100,
      apiTcp: [],
      etcdTls: {},
      ignored: [],
    });
  });

  it("reads what cloud-config's coreos.fleet drop-in writes", () => {
    const cfg = fleetConfigFromEnv({
      FLEET_PUBLIC_IP: "172.17.8.101",
      FLEET_METADATA: " role = web , region=east,role=db ",
      FLEET_AGENT_TTL: "1m30s",
      FLEET_ENGINE_RECONCILE_INTERVAL: "0.5",
      FLEET_ETCD_SERVERS: "http://172.17.8.101:2379, http://172.17.8.102:2379",
      FLEET_ETCD_KEY_PREFIX: "/other",
      FLEET_DISABLE_ENGINE: "true",
    });
    expect(cfg).toMatchObject({
      publicIp: "172.17.8.101",
      metadata: { role: "db", region: "east" },
      agentTtlSeconds: 90,
      engineReconcileIntervalMs: 500,
      etcdServers: ["http://172.17.8.101:2379", "http://172.17.8.102:2379"],
      etcdKeyPrefix: "/other/",
      disableEngine: true,
    });
    // Accepted without effect, and said so at boot.
    expect(
      fleetConfigFromEnv({ FLEET_VERBOSITY: "2", FLEET_VERIFY_UNITS: "true" }).ignored,
    ).toHaveLength(2);
    expect(fleetConfigFromEnv({ FLEET_API_LISTEN: "127.0.0.1:8080" }).apiTcp).toEqual([
      { host: "127.0.0.1", port: 8080 },
    ]);
    // etcd leases count in whole seconds: a sub-second TTL rounds up.
    expect(fleetConfigFromEnv({ FLEET_AGENT_TTL: "1500ms" }).agentTtlSeconds).toBe(2);
  });

  it.each([
    ["FLEET_AGENT_TTL", "30"],
    ["FLEET_AGENT_TTL", "soon"],
    ["FLEET_ENGINE_RECONCILE_INTERVAL", "-1"],
    ["FLEET_METADATA", "role"],
    ["FLEET_ETCD_SERVERS", "172.17.8.101:2379"],
    ["FLEET_DISABLE_ENGINE", "maybe"],
    ["FLEET_PUBLIC_IP", "core-01"],
    ["FLEET_TOKEN_LIMIT", "0"],
    ["FLEET_API_LISTEN", "0.0.0.0"],
    ["FLEET_VERBOSITY", "loud"],
    ["FLEET_ETCD_PASSWORD", "secret"],
    ["FLEET_VERIFY_UNITS", "perhaps"],
  ])("rejects %s=%s naming the variable", (variable, value) => {
    let error: unknown;
    try {
      fleetConfigFromEnv({ [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ShoalError);
    const named = error instanceof InputError ? error.position?.key : (error as Error).message;
    expect(named).toContain(variable);
  });

  it("parses metadata", () => {
    expect(parseMetadata("")).toEqual({});
    expect(parseMetadata("a=1,b=2=3")).toEqual({ a: "1", b: "2=3" });
  });
});
