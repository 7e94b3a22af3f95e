/** Users and their authorized keys: coreos-cloudinit's first steps, before any file or unit. */
import type { CloudConfig } from "../schema/index.js";
import type { MachineMeta, PlannedFile, PlannedUser } from "../types.js";

/** users in document order; a user without a name is skipped, as upstream does. */
export function users(config: CloudConfig): PlannedUser[] {
  const planned: PlannedUser[] = [];
  for (const u of config.users ?? []) {
    if (!u.name) continue;
    const user: PlannedUser = {
      name: u.name,
      noCreateHome: u.no_create_home ?? false,
      groups: u.groups ?? [],
      noUserGroup: u.no_user_group ?? false,
      system: u.system ?? false,
      noLogInit: u.no_log_init ?? false,
      sshAuthorizedKeys: (u.ssh_authorized_keys ?? []).map((k) => k.trim()),
    };
    if (u.passwd) user.passwd = u.passwd;
    if (u.gecos) user.gecos = u.gecos;
    if (u.homedir) user.homedir = u.homedir;
    if (u.primary_group) user.primaryGroup = u.primary_group;
    if (u.shell) user.shell = u.shell;
    planned.push(user);
  }
  return planned;
}

/**
 * One `~/.ssh/authorized_keys` per user with keys. upstream stores each set
 * under the key name `coreos-cloudinit`, so core's top-level keys (plus the
 * metadata's, sorted by name) replace any core keys from `users`.
 */
export function authorizedKeyFiles(
  config: CloudConfig,
  meta: MachineMeta,
  planned: readonly PlannedUser[],
): PlannedFile[] {
  const keys = new Map<string, { home: string; keys: string[] }>();
  for (const u of planned) {
    if (u.sshAuthorizedKeys.length > 0)
      keys.set(u.name, { home: homeOf(u), keys: u.sshAuthorizedKeys });
  }
  const metaKeys = Object.keys(meta.sshPublicKeys ?? {})
    .sort()
    .map((name) => meta.sshPublicKeys?.[name] ?? "");
  const coreKeys = [...(config.ssh_authorized_keys ?? []), ...metaKeys].map((k) => k.trim());
  if (coreKeys.length > 0) {
    const core = planned.find((u) => u.name === "core");
    keys.set("core", { home: core ? homeOf(core) : "/home/core", keys: coreKeys });
  }
  return [...keys].map(([name, { home, keys: list }]) => ({
    path: `${home}/.ssh/authorized_keys`,
    mode: 0o600,
    owner: name,
    content: `${list.join("\n")}\n`,
  }));
}

function homeOf(user: PlannedUser): string {
  return user.homedir ?? (user.name === "root" ? "/root" : `/home/${user.name}`);
}
