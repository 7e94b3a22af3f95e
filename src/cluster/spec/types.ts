/** What a cluster should look like, from shoal.yaml, config.rb or the defaults. */

export const UPDATE_CHANNELS = ["stable", "beta", "alpha"] as const;
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

export const PROVIDER_CHOICES = ["auto", "process", "namespace", "rootless"] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];

/**
 * Where the discovery token comes from: shoal's own local server (started
 * when none runs), another discovery server (a fresh token from its /new),
 * or one fixed token URL used as it is.
 */
export type DiscoverySetting =
  | { kind: "auto" }
  | { kind: "server"; url: string }
  | { kind: "token"; url: string };

/** A remark about the configuration that is not an error (config.rb's Ruby, VM-only settings). */
export interface SpecNote {
  file: string;
  line: number;
  /** Last line of a block of Ruby code, when the note covers several lines. */
  endLine?: number;
  message: string;
}

export interface ClusterSpec {
  /** The directory holding shoal.yaml / config.rb and, after `up`, .shoal/. */
  dir: string;
  instances: number;
  namePrefix: string;
  updateChannel: UpdateChannel;
  provider: ProviderChoice;
  /** Absolute path of the user-data file. */
  userData: string;
  discovery: DiscoverySetting;
  /** Members that bootstrap etcd; the other machines run etcd's v3 proxy. */
  etcdSize: number;
  /** The machines' network, a /24 such as 172.17.8.0/24 (machines from .101). */
  subnet: string;
  /** The file the spec came from, or "defaults". */
  source: string;
  notes: SpecNote[];
}

export const DEFAULTS = {
  instances: 3,
  namePrefix: "core",
  updateChannel: "stable" as UpdateChannel,
  provider: "auto" as ProviderChoice,
  userData: "./user-data",
  subnet: "172.17.8.0/24",
  maxEtcdSize: 5,
};

/** etcd's default membership: every machine, up to 5 (more members slow raft down). */
export function defaultEtcdSize(instances: number): number {
  return Math.min(instances, DEFAULTS.maxEtcdSize);
}
