import { bool, float64, int, string, withEnv } from "./types.js";

/** `coreos.fleet` -> FLEET_* variables in fleet.service's drop-in. Declaration order is drop-in order. */
export const fleet = withEnv("FLEET_", {
  agent_ttl: string(),
  authorized_keys_file: string(),
  disable_engine: bool(),
  engine_reconcile_interval: float64(),
  etcd_cafile: string(),
  etcd_certfile: string(),
  etcd_keyfile: string(),
  etcd_key_prefix: string(),
  etcd_request_timeout: float64(),
  etcd_servers: string(),
  etcd_username: string(),
  etcd_password: string(),
  metadata: string(),
  public_ip: string(),
  token_limit: int(),
  verbosity: int(),
  verify_units: bool(),
});
