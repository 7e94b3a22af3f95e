import { string, withEnv } from "./types.js";

/** `coreos.locksmith` -> locksmithd's drop-in. The window keys keep the legacy variable names locksmithd reads. */
export const locksmith = withEnv("LOCKSMITHD_", {
  endpoint: string(),
  etcd_cafile: string(),
  etcd_certfile: string(),
  etcd_keyfile: string(),
  etcd_username: string(),
  etcd_password: string(),
  group: string(),
  // Upstream's (?i:sun|...) group, case-insensitive; the rest is digits, so /i is equivalent.
  window_start: string({
    env: "REBOOT_WINDOW_START",
    valid: /^((sun|mon|tue|wed|thu|fri|sat|sun) )?0*([0-9]|1[0-9]|2[0-3]):0*([0-9]|[1-5][0-9])$/i,
  }),
  window_length: string({
    env: "REBOOT_WINDOW_LENGTH",
    valid: /^[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+$/,
  }),
});
