/**
 * journalctl's --output modes for the machine's journal. A record keeps
 * its time (to the millisecond), host, unit, PID and message, so the modes
 * made of those render as journalctl prints them; the ones that need a
 * cursor, boot ID or monotonic time are refused, and an unknown mode gets
 * journalctl's own error.
 */

/** The modes journalctl accepted when fleet passed --output to it (systemd of CoreOS, 2016). */
export const OUTPUT_MODES = [
  "short",
  "short-iso",
  "short-precise",
  "short-monotonic",
  "verbose",
  "export",
  "json",
  "json-pretty",
  "json-sse",
  "cat",
] as const;

export type OutputMode = (typeof OUTPUT_MODES)[number];

const RENDERED: readonly OutputMode[] = [
  "short",
  "short-iso",
  "short-precise",
  "json",
  "json-pretty",
  "json-sse",
  "cat",
];

/** The mode, or the message journalctl (or shoal, for a mode it cannot render) exits 1 with. */
export function outputMode(mode: string): { mode: OutputMode } | { error: string } {
  if (!(OUTPUT_MODES as readonly string[]).includes(mode)) {
    return { error: `Unknown output format '${mode}'.` };
  }
  if (!RENDERED.includes(mode as OutputMode)) {
    return {
      error: `Output format '${mode}' is not available: this machine's journal keeps no cursor, boot ID or monotonic time.`,
    };
  }
  return { mode: mode as OutputMode };
}

interface JournalRecord {
  time: Date;
  host: string;
  unit: string;
  pid?: number;
  message: string;
}

/** A stored line: `2026-11-25T18:20:39.123Z core-01 etcd2.service[1234]: message`. */
function parseRecord(line: string): JournalRecord | undefined {
  const m = /^(\S+) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: ?(.*)$/.exec(line);
  const time = new Date(m?.[1] ?? "");
  if (!m || Number.isNaN(time.getTime())) return undefined;
  return {
    time,
    host: m[2] as string,
    unit: m[3] as string,
    ...(m[4] ? { pid: Number(m[4]) } : {}),
    message: m[5] as string,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** strftime's "%b %d %H:%M:%S" in local time. */
function syslogTime(t: Date): string {
  return `${MONTHS[t.getMonth()]} ${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}

/** strftime's "%Y-%m-%dT%H:%M:%S%z" in local time. */
function isoTime(t: Date): string {
  const off = -t.getTimezoneOffset();
  const zone = `${off < 0 ? "-" : "+"}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}T${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}${zone}`;
}

/** The journal fields a record has, in the order journalctl lists them after its own. */
function fields(r: JournalRecord): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ["__REALTIME_TIMESTAMP", String(r.time.getTime() * 1000)],
    ["_HOSTNAME", r.host],
  ];
  if (r.pid !== undefined) out.push(["_PID", String(r.pid)]);
  out.push(["_SYSTEMD_UNIT", r.unit], ["MESSAGE", r.message]);
  return out;
}

/** One record in a mode outputMode() accepted; a line that is not a record passes unchanged. */
export function renderRecord(line: string, mode: OutputMode): string {
  const r = parseRecord(line);
  if (!r) return `${line}\n`;
  const ident = r.pid === undefined ? r.unit : `${r.unit}[${r.pid}]`;
  const precise = `.${String(r.time.getMilliseconds() * 1000).padStart(6, "0")}`;
  const pairs = fields(r).map(([k, v]) => `${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  switch (mode) {
    case "short-iso":
      return `${isoTime(r.time)} ${r.host} ${ident}: ${r.message}\n`;
    case "short-precise":
      return `${syslogTime(r.time)}${precise} ${r.host} ${ident}: ${r.message}\n`;
    case "cat":
      return `${r.message}\n`;
    case "json":
      return `{ ${pairs.join(", ")} }\n`;
    case "json-sse":
      return `data: { ${pairs.join(", ")}}\n\n`;
    case "json-pretty":
      return `{\n\t${pairs.join(",\n\t")}\n}\n`;
    default:
      return `${syslogTime(r.time)} ${r.host} ${ident}: ${r.message}\n`;
  }
}
