/** How the page writes durations and sizes: short, as `kubectl get` does. */

export function uptime(startedAt: string | undefined, now: number): string {
  if (!startedAt) return "–";
  const s = Math.max(0, Math.floor((now - Date.parse(startedAt)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86400)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Local wall-clock time of an ISO stamp, seconds included. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
}

/** Applies a patch from the event stream: its keys replace the view's, null removes one. */
export function applyPatch<T extends object>(view: T, patch: Record<string, unknown>): T {
  const next = { ...view } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next as unknown as T;
}

/** UPDATE_STATUS_UPDATED_NEED_REBOOT as "updated, need reboot": the words without the shouting. */
export function updateStatus(status: string | undefined): string {
  if (!status) return "–";
  const words = status
    .replace(/^UPDATE_STATUS_/, "")
    .toLowerCase()
    .split("_");
  return words.join(" ").replace(/^updated need reboot$/, "updated, need reboot");
}
