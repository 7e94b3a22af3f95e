import type { CloudConfig } from "../schema/index.js";
import type { MachineMeta, Plan, PlannedFile } from "../types.js";
import {
  environment,
  etcHosts,
  flannelOptions,
  oemRelease,
  updateConf,
  writeFiles,
} from "./files.js";
import { units } from "./units.js";
import { authorizedKeyFiles, users } from "./users.js";

/**
 * Config + machine metadata -> what to write and run, deterministic and in
 * upstream's apply order: hostname, users and their keys, the collected files,
 * /etc/environment; then the units, each written in order, and after a
 * daemon-reload their commands run in order. Throws InputError where upstream's
 * apply would fail (bad permissions, manage_etc_hosts, reboot strategy, command),
 * before anything is written.
 */
export function plan(config: CloudConfig, meta: MachineMeta): Plan {
  // The metadata hostname counts only when user-data sets none.
  const hostname = config.hostname || meta.hostname;
  const plannedUsers = users(config);
  const files: PlannedFile[] = [
    ...(hostname ? [{ path: "/etc/hostname", mode: 0o644, content: `${hostname}\n` }] : []),
    ...authorizedKeyFiles(config, meta, plannedUsers),
    ...writeFiles(config),
    ...oemRelease(config),
    ...updateConf(config, meta),
    ...etcHosts(config, hostname),
    ...flannelOptions(config),
    ...environment(config, meta),
  ];
  return { files, units: units(config), users: plannedUsers };
}
