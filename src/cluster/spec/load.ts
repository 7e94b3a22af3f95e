import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConfigRb } from "./config-rb.js";
import { parseShoalYaml } from "./shoal-yaml.js";
import { type ClusterSpec, DEFAULTS, defaultEtcdSize, type UpdateChannel } from "./types.js";

export const SHOAL_YAML = "shoal.yaml";
export const CONFIG_RB = "config.rb";

/**
 * The cluster spec for a directory: shoal.yaml if there is one, else
 * coreos-vagrant's config.rb (with vagrant's defaults: 1 machine, alpha),
 * else shoal's defaults. Throws InputError (file, line, key) on bad input.
 */
export function loadSpec(dir: string, env: NodeJS.ProcessEnv = process.env): ClusterSpec {
  const yamlPath = join(dir, SHOAL_YAML);
  if (existsSync(yamlPath)) {
    const y = parseShoalYaml(readFileSync(yamlPath, "utf8"), yamlPath);
    const instances = y.instances ?? DEFAULTS.instances;
    return {
      dir,
      instances,
      namePrefix: y.namePrefix ?? DEFAULTS.namePrefix,
      updateChannel: y.updateChannel ?? DEFAULTS.updateChannel,
      provider: y.provider ?? DEFAULTS.provider,
      userData: resolve(dir, y.userData ?? DEFAULTS.userData),
      discovery: y.discovery ?? { kind: "auto" },
      etcdSize: y.etcdSize ?? defaultEtcdSize(instances),
      subnet: y.subnet ?? DEFAULTS.subnet,
      source: yamlPath,
      notes: [],
    };
  }
  const rbPath = join(dir, CONFIG_RB);
  if (existsSync(rbPath)) {
    const rb = parseConfigRb(readFileSync(rbPath, "utf8"), rbPath, env);
    // coreos-vagrant's own defaults: one machine on the alpha channel.
    const instances = rb.instances ?? 1;
    return {
      ...base(dir),
      instances,
      namePrefix: rb.namePrefix ?? DEFAULTS.namePrefix,
      updateChannel: rb.updateChannel ?? ("alpha" as UpdateChannel),
      etcdSize: defaultEtcdSize(instances),
      source: rbPath,
      notes: rb.notes,
    };
  }
  return { ...base(dir), source: "defaults" };
}

function base(dir: string): ClusterSpec {
  return {
    dir,
    instances: DEFAULTS.instances,
    namePrefix: DEFAULTS.namePrefix,
    updateChannel: DEFAULTS.updateChannel,
    provider: DEFAULTS.provider,
    userData: resolve(dir, DEFAULTS.userData),
    discovery: { kind: "auto" },
    etcdSize: defaultEtcdSize(DEFAULTS.instances),
    subnet: DEFAULTS.subnet,
    source: "defaults",
    notes: [],
  };
}
