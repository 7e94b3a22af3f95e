/**
 * locksmithd's settings from its environment: REBOOT_STRATEGY (update.conf,
 * cloud-config `coreos.update.reboot-strategy`), the reboot window and the
 * LOCKSMITHD_* variables cloud-config's `coreos.locksmith` drop-in sets.
 */
import { InputError } from "../../errors/index.js";
import type { LockConnection } from "./store.js";
import { parseRebootWindow, type RebootWindow } from "./window.js";

export const STRATEGIES = ["etcd-lock", "reboot", "best-effort", "off"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface LocksmithdConfig {
  strategy: Strategy;
  /** The window as written, for the log, and parsed. */
  window?: { start: string; length: string; parsed: RebootWindow };
  connection: LockConnection;
}

const SOURCE = "environment (update.conf, locksmithd.service drop-ins)";

/**
 * etcdRuns: whether this machine runs etcd (member or proxy); an unset
 * strategy is then etcd-lock, else reboot. defaultEndpoints: its etcd.
 */
export function locksmithdConfig(
  env: NodeJS.ProcessEnv,
  machine: { etcdRuns: boolean; defaultEndpoints: string[] },
): LocksmithdConfig {
  const raw = env.REBOOT_STRATEGY ?? "";
  if (raw !== "" && !(STRATEGIES as readonly string[]).includes(raw)) {
    throw new InputError(
      `unknown reboot strategy "${raw}" (valid: ${STRATEGIES.join(", ")})`,
      { file: SOURCE, key: "REBOOT_STRATEGY" },
      "set it in /etc/coreos/update.conf or with coreos.update.reboot-strategy in user-data",
    );
  }
  const strategy = (raw || (machine.etcdRuns ? "etcd-lock" : "reboot")) as Strategy;

  // The unprefixed names are locksmith's older ones, still read.
  const start = env.LOCKSMITHD_REBOOT_WINDOW_START || env.REBOOT_WINDOW_START || "";
  const length = env.LOCKSMITHD_REBOOT_WINDOW_LENGTH || env.REBOOT_WINDOW_LENGTH || "";
  if ((start === "") !== (length === "")) {
    throw new InputError(
      "Either both or neither $REBOOT_WINDOW_START and $REBOOT_WINDOW_LENGTH must be set",
      { file: SOURCE, key: start ? "REBOOT_WINDOW_LENGTH" : "REBOOT_WINDOW_START" },
    );
  }
  let window: LocksmithdConfig["window"];
  if (start) {
    try {
      window = { start, length, parsed: parseRebootWindow(start, length) };
    } catch (err) {
      throw new InputError(`Error parsing reboot window: ${(err as Error).message}`, {
        file: SOURCE,
        key: "REBOOT_WINDOW_START",
      });
    }
  }

  const list = (env.LOCKSMITHD_ENDPOINT ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const opt = (name: string) => env[`LOCKSMITHD_${name}`] || undefined;
  return {
    strategy,
    ...(window ? { window } : {}),
    connection: {
      endpoints: list.length > 0 ? list : machine.defaultEndpoints,
      group: opt("GROUP"),
      caFile: opt("ETCD_CAFILE"),
      certFile: opt("ETCD_CERTFILE"),
      keyFile: opt("ETCD_KEYFILE"),
      username: opt("ETCD_USERNAME"),
      password: opt("ETCD_PASSWORD"),
    },
  };
}
