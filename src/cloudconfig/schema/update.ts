import { string } from "./types.js";

/**
 * `coreos.update` -> /etc/coreos/update.conf. shoal keeps v1.13's
 * `best-effort`, which v1.14.0 dropped (a deliberate difference).
 */
export const update = {
  reboot_strategy: string({
    env: "REBOOT_STRATEGY",
    valid: /^(best-effort|etcd-lock|reboot|off)$/,
  }),
  group: string({ env: "GROUP" }),
  server: string({ env: "SERVER" }),
};
