import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { MachineMeta } from "../cloudconfig/index.js";
import { InputError } from "../errors/index.js";
import { machinePaths } from "./layout.js";

/**
 * How this machine takes part in the etcd cluster (the host decides, from
 * etcdSize). A member may get ETCD_* defaults from the host (short raft
 * timers, say); user-data's own settings win over them.
 */
export type EtcdRole =
  | { role: "member"; env?: Record<string, string> }
  | { role: "proxy"; endpoints: string[] };

/** What the host hands a machine before it boots. */
export interface ConfigDrive {
  userData: string | Uint8Array;
  meta: MachineMeta;
  /** Default member. Machines beyond etcdSize get `proxy` with the members' client URLs. */
  etcd?: EtcdRole;
  /**
   * True when the machine shares the host's network (process provider): the
   * agent then binds 0.0.0.0/127.0.0.1 listeners to the machine's own address.
   * Default: true when the machine's root is not `/`.
   */
  sharedNetwork?: boolean;
}

/** meta_data.json: OpenStack's config-drive keys, EC2's address keys, and shoal's own. */
interface MetaDataJson {
  uuid: string;
  hostname: string;
  name: string;
  public_keys?: Record<string, string>;
  "local-ipv4"?: string;
  "public-ipv4"?: string;
  "local-ipv6"?: string;
  "public-ipv6"?: string;
  shoal?: {
    update_channel?: string;
    update_server?: string;
    etcd?: EtcdRole;
    shared_network?: boolean;
  };
}

/** Writes coreos-cloudinit's config-drive layout into machineDir/config-drive. */
export function writeConfigDrive(machineDir: string, drive: ConfigDrive): void {
  const paths = machinePaths(machineDir);
  const m = drive.meta;
  const json: MetaDataJson = {
    uuid: m.machineId,
    hostname: m.hostname,
    name: m.hostname,
    public_keys: m.sshPublicKeys,
    "local-ipv4": m.privateIpv4,
    "public-ipv4": m.publicIpv4,
    "local-ipv6": m.privateIpv6,
    "public-ipv6": m.publicIpv6,
    shoal: {
      update_channel: m.updateChannel,
      update_server: m.updateServer,
      etcd: drive.etcd,
      shared_network: drive.sharedNetwork,
    },
  };
  atomicWrite(paths.userData, drive.userData);
  atomicWrite(paths.metaData, `${JSON.stringify(json, null, 2)}\n`);
}

/** Reads the config drive back; a missing or malformed meta_data.json is an InputError. */
export function readConfigDrive(machineDir: string): {
  userData: Uint8Array;
  meta: MachineMeta;
  etcd: EtcdRole;
  sharedNetwork?: boolean;
} {
  const paths = machinePaths(machineDir);
  let json: MetaDataJson;
  try {
    json = JSON.parse(readFileSync(paths.metaData, "utf8"));
  } catch (err) {
    throw new InputError(`cannot read the config drive: ${(err as Error).message}`, {
      file: paths.metaData,
    });
  }
  for (const key of ["uuid", "hostname"] as const) {
    if (typeof json[key] !== "string" || !json[key])
      throw new InputError(`missing "${key}"`, { file: paths.metaData, key });
  }
  let userData: Uint8Array;
  try {
    userData = readFileSync(paths.userData);
  } catch {
    // No user_data: a machine with nothing to apply, as upstream boots one.
    userData = new Uint8Array();
  }
  const meta: MachineMeta = { hostname: json.hostname, machineId: json.uuid };
  if (json["local-ipv4"]) meta.privateIpv4 = json["local-ipv4"];
  if (json["public-ipv4"]) meta.publicIpv4 = json["public-ipv4"];
  if (json["local-ipv6"]) meta.privateIpv6 = json["local-ipv6"];
  if (json["public-ipv6"]) meta.publicIpv6 = json["public-ipv6"];
  if (json.shoal?.update_channel) meta.updateChannel = json.shoal.update_channel;
  if (json.shoal?.update_server) meta.updateServer = json.shoal.update_server;
  if (json.public_keys && Object.keys(json.public_keys).length)
    meta.sshPublicKeys = json.public_keys;
  return {
    userData,
    meta,
    etcd: json.shoal?.etcd ?? { role: "member" },
    sharedNetwork: json.shoal?.shared_network,
  };
}

function atomicWrite(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
