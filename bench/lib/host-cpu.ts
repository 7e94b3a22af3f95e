import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/stat's counters (USER_HZ, 100 on every Linux of ours). */
const TICKS_PER_S = 100;

/** CPU time the whole host has spent busy so far (user, nice, system, irq, softirq, steal), in ms. */
export function hostBusyMs(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [user, nice, system, , , irq, softirq, steal] = cpu
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (
    (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) *
      1000) /
    TICKS_PER_S
  );
}
