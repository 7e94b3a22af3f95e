/**
 * update_engine_client's words: `-status` prints the five GetStatus fields
 * as KEY=VALUE lines on stdout; everything else it says goes to stderr as
 * glog lines (`-watch_for_updates` logs "Got status update:" and the fields).
 */
import type { EngineState } from "./status.js";

/** printf's %f: six decimals. */
const fixed6 = (n: number) => n.toFixed(6);

export function formatStatus(s: EngineState): string {
  return [
    `LAST_CHECKED_TIME=${s.lastCheckedTime}`,
    `PROGRESS=${fixed6(s.progress)}`,
    `CURRENT_OP=${s.status}`,
    `NEW_VERSION=${s.newVersion}`,
    `NEW_SIZE=${s.newSize}`,
    "",
  ].join("\n");
}

/** One glog line: `I1130 08:16:55.123456    42 update_engine_client.cc:80] text`. */
export function glogLine(
  severity: "I" | "E",
  at: Date,
  pid: number,
  line: number,
  text: string,
): string {
  const p2 = (n: number) => String(n).padStart(2, "0");
  const micros = String(at.getUTCMilliseconds() * 1000).padStart(6, "0");
  const stamp = `${p2(at.getUTCMonth() + 1)}${p2(at.getUTCDate())} ${p2(at.getUTCHours())}:${p2(at.getUTCMinutes())}:${p2(at.getUTCSeconds())}.${micros}`;
  return `${severity}${stamp} ${String(pid).padStart(5)} update_engine_client.cc:${line}] ${text}\n`;
}

export function formatStatusUpdate(s: EngineState, at: Date, pid: number): string {
  return [
    "Got status update:",
    `  last_checked_time: ${s.lastCheckedTime}`,
    `  progress: ${s.progress}`,
    `  current_operation: ${s.status}`,
    `  new_version: ${s.newVersion}`,
    `  new_size: ${s.newSize}`,
  ]
    .map((text, i) => glogLine("I", at, pid, 80 + i, text))
    .join("");
}
