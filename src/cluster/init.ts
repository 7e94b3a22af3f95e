import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors/index.js";
import { SHOAL_YAML } from "./spec/load.js";

export const SHOAL_YAML_TEMPLATE = `# shoal.yaml: the cluster \`shoal up\` brings up (coreos-vagrant's config.rb, as YAML).

# Number of machines: core-01, core-02, ... (coreos-vagrant's $num_instances).
instances: 3

# Machine names are <namePrefix>-01 ... ($instance_name_prefix).
namePrefix: core

# CoreOS update channel: stable, beta or alpha ($update_channel). Machines carry it in
# /etc/coreos/update.conf and /etc/os-release.
updateChannel: stable

# How machines are made: namespace (own network, hostname, mounts and PID 1; needs root),
# rootless (own hostname, mounts and PID 1 through user namespaces; any user where the kernel
# allows them; loopback addresses 127.17.8.101...), process (any user; processes on the host),
# or auto (the first of these that can run here).
provider: auto

# The cloud-config every machine boots from. It is never rewritten: each machine gets a
# copy with the discovery token filled in.
userData: ./user-data

# Where the etcd discovery token comes from: auto (shoal's own local discovery server,
# started when none runs), a discovery server URL (https://discovery.etcd.io), or one
# fixed token URL. A new cluster gets a fresh token; \`up\` after \`halt\` keeps it.
discovery: auto

# Members that bootstrap etcd (default: every machine, up to 5); the other machines run
# etcd's v3 proxy, so etcdctl works everywhere.
# etcdSize: 3

# The machines' network: core-01 is .101 (172.17.8.101 with the namespace provider).
# network:
#   subnet: 172.17.8.0/24
`;

export const USER_DATA_TEMPLATE = `#cloud-config

coreos:
  etcd2:
    # shoal puts a fresh discovery token here for each new cluster (no need to set one)
    #discovery: https://discovery.etcd.io/<token>
    advertise-client-urls: http://$public_ipv4:2379
    initial-advertise-peer-urls: http://$private_ipv4:2380
    listen-client-urls: http://0.0.0.0:2379
    listen-peer-urls: http://$private_ipv4:2380
  fleet:
    public-ip: $public_ipv4
  units:
    - name: etcd2.service
      command: start
    - name: fleet.service
      command: start
`;

/** Writes a commented shoal.yaml and a user-data; never overwrites unless force. */
export function init(dir: string, force: boolean): string[] {
  const files = [
    { path: join(dir, SHOAL_YAML), text: SHOAL_YAML_TEMPLATE },
    { path: join(dir, "user-data"), text: USER_DATA_TEMPLATE },
  ];
  if (!force) {
    const existing = files.find((f) => existsSync(f.path));
    if (existing) {
      throw new InputError(
        "already exists; not overwritten",
        { file: existing.path },
        "use --force to replace it",
      );
    }
  }
  for (const f of files) writeFileSync(f.path, f.text);
  return files.map((f) => f.path);
}
