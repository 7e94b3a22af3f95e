import { bool, string, strings } from "./types.js";

const remote = {
  deprecated: "trying to fetch from a remote endpoint introduces too many intermittent errors",
};

/** `users[]`: the accounts coreos-cloudinit creates or updates, with their keys and groups. */
export const user = {
  name: string(),
  passwd: string(),
  ssh_authorized_keys: strings(),
  coreos_ssh_import_github: string(remote),
  coreos_ssh_import_github_users: strings(remote),
  coreos_ssh_import_url: string(remote),
  gecos: string(),
  homedir: string(),
  no_create_home: bool(),
  primary_group: string(),
  groups: strings(),
  no_user_group: bool(),
  system: bool(),
  no_log_init: bool(),
  shell: string(),
};
