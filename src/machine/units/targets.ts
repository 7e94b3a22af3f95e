import type { BuiltinUnit } from "./context.js";

/**
 * The standard targets units name in After=/Wants= (network-online.target,
 * multi-user.target, ...): a machine reaches them at boot, so a unit that
 * wants one does not fail for want of a file.
 */
const TARGETS: Array<[string, string, string[]]> = [
  ["sysinit.target", "System Initialization", ["local-fs.target"]],
  ["local-fs.target", "Local File Systems", []],
  ["remote-fs.target", "Remote File Systems", []],
  [
    "basic.target",
    "Basic System",
    ["sysinit.target", "sockets.target", "timers.target", "paths.target"],
  ],
  ["sockets.target", "Sockets", []],
  ["timers.target", "Timers", []],
  ["paths.target", "Paths", []],
  ["network.target", "Network", []],
  ["network-online.target", "Network is Online", ["network.target"]],
  [
    "multi-user.target",
    "Multi-User System",
    ["basic.target", "network-online.target", "remote-fs.target"],
  ],
  ["default.target", "Multi-User System", ["multi-user.target"]],
];

export const targetUnits: BuiltinUnit[] = TARGETS.map(([name, description, wants]) => ({
  name,
  content: `[Unit]\nDescription=${description}\n${wants.length ? `Wants=${wants.join(" ")}\nAfter=${wants.join(" ")}\n` : ""}`,
}));
