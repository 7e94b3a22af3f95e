/**
 * locksmithd's reboot window: a start (`HH:MM` daily or `Day HH:MM`
 * weekly, in the machine's local time) and a length in Go's duration
 * syntax (`1h30m`). Pure: every function takes the time it reasons about.
 */
import { parseDuration } from "../../host/index.js";

export interface RebootWindow {
  /** 0 (Sunday) to 6, or undefined for a daily window. */
  day?: number;
  hour: number;
  minute: number;
  lengthMs: number;
}

export interface Period {
  start: Date;
  end: Date;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY_MS = 24 * 3_600_000;

/** Parses START and LENGTH; the errors are locksmith's words. */
export function parseRebootWindow(start: string, length: string): RebootWindow {
  const fields = start.trim().split(/\s+/).filter(Boolean);
  let day: number | undefined;
  if (fields.length === 2) {
    day = DAYS.indexOf((fields[0] as string).toLowerCase());
    if (day < 0) throw new Error(`unable to parse start: invalid day of week "${fields[0]}"`);
  } else if (fields.length !== 1) {
    throw new Error("unable to parse start: wrong number of fields");
  }
  const time = fields[fields.length - 1] as string;
  const m = /^([+-]?\d+):([+-]?\d+)$/.exec(time);
  if (!m) throw new Error(`unable to parse start: invalid time of day "${time}": expected HH:MM`);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour < 0 || hour > 23)
    throw new Error(
      `unable to parse start: invalid time of day "${time}": hour must be >= 0 and <= 23`,
    );
  if (minute < 0 || minute > 59)
    throw new Error(
      `unable to parse start: invalid time of day "${time}": minute must be >= 0 and <= 59`,
    );
  const lengthMs = parseGoDuration(length);
  if (lengthMs < 0) throw new Error("duration cannot be negative");
  if ((day === undefined && lengthMs >= DAY_MS) || lengthMs >= 7 * DAY_MS)
    throw new Error("duration cannot exceed period");
  return { ...(day === undefined ? {} : { day }), hour, minute, lengthMs };
}

/** Go's time.ParseDuration with its sign, in milliseconds. */
function parseGoDuration(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  const body = /^[+-]/.test(text) ? text.slice(1) : text;
  if (/^0+$/.test(body)) return 0;
  if (/^\d+(\.\d*)?$/.test(body))
    throw new Error(`unable to parse duration: time: missing unit in duration ${text}`);
  try {
    return sign * parseDuration(body, "reboot window length");
  } catch {
    // Go's words, which locksmithd prints, rather than the flag parser's.
    throw new Error(`unable to parse duration: time: invalid duration ${text}`);
  }
}

/** The window's start on the day `days` after ref's, in local time (days may be negative). */
function startOn(w: RebootWindow, ref: Date, days: number): Date {
  return new Date(ref.getFullYear(), ref.getMonth(), ref.getDate() + days, w.hour, w.minute, 0, 0);
}

/** ref minus this week's (weekly) or today's (daily) start: negative before it. */
function sinceStart(w: RebootWindow, ref: Date): number {
  const days = w.day === undefined ? 0 : w.day - ref.getDay();
  return ref.getTime() - startOn(w, ref, days).getTime();
}

function period(w: RebootWindow, start: Date): Period {
  return { start, end: new Date(start.getTime() + w.lengthMs) };
}

/** The latest window that started at or before ref. */
export function previousWindow(w: RebootWindow, ref: Date): Period {
  const started = sinceStart(w, ref) >= 0;
  if (w.day === undefined) return period(w, startOn(w, ref, started ? 0 : -1));
  const back = ref.getDay() - w.day;
  return period(w, startOn(w, ref, started ? -back : -(ref.getDay() + 7 - w.day)));
}

/** The first window that starts after ref. */
export function nextWindow(w: RebootWindow, ref: Date): Period {
  const before = sinceStart(w, ref) < 0;
  if (w.day === undefined) return period(w, startOn(w, ref, before ? 0 : 1));
  return period(w, startOn(w, ref, before ? w.day - ref.getDay() : 7 - ref.getDay() + w.day));
}

/**
 * Milliseconds from ref to the window: zero or less while inside one (how
 * far in, its end included), more than zero until the next one opens.
 */
export function msUntilWindow(w: RebootWindow, ref: Date): number {
  const prev = previousWindow(w, ref);
  if (prev.end.getTime() >= ref.getTime()) return prev.start.getTime() - ref.getTime();
  return nextWindow(w, ref).start.getTime() - ref.getTime();
}
