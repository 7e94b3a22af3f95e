import { type Assignment, foldAssignments, UnitFileError } from "./unit-file.js";

export type ServiceType = "simple" | "exec" | "oneshot" | "forking" | "notify" | "dbus" | "idle";
export type RestartPolicy =
  | "no"
  | "always"
  | "on-success"
  | "on-failure"
  | "on-abnormal"
  | "on-abort"
  | "on-watchdog";

/** What the init needs from a unit, after drop-ins are merged. Pure data. */
export interface UnitSpec {
  name: string;
  kind: string; // "service", "socket", "target", ...
  description?: string;
  after: string[];
  before: string[];
  requires: string[];
  wants: string[];
  conflicts: string[];
  wantedBy: string[];
  type: ServiceType;
  remainAfterExit: boolean;
  execStartPre: string[];
  execStart: string[];
  execStartPost: string[];
  execStop: string[];
  execStopPost: string[];
  /** Environment= assignments, raw, in order. */
  environment: string[];
  /** EnvironmentFile= values, raw (`-` prefix = optional). */
  environmentFiles: string[];
  workingDirectory?: string;
  restart: RestartPolicy;
  restartSec: number; // ms
  /** How long a start may take (Type=notify: until ready); Infinity for 0 or infinity. */
  timeoutStartSec: number; // ms
  timeoutStopSec: number; // ms
  /** For .socket units: the service it activates. */
  socketService?: string;
  /** StartLimitBurst= starts within StartLimitIntervalSec= at most; more fail the unit. */
  startLimit: { burst: number; intervalMs: number };
}

const TYPES = new Set(["simple", "exec", "oneshot", "forking", "notify", "dbus", "idle"]);
const RESTARTS = new Set([
  "no",
  "always",
  "on-success",
  "on-failure",
  "on-abnormal",
  "on-abort",
  "on-watchdog",
]);

/** systemd's TimeoutStartSec=: 0 turns the timeout off, as infinity does. */
function startTimeout(value: string): number {
  const ms = parseTimespan(value);
  return ms === 0 ? Number.POSITIVE_INFINITY : ms;
}

/** systemd time spans: "10s", "500ms", "1min 30s", bare numbers are seconds. */
export function parseTimespan(value: string): number {
  const units: Record<string, number> = {
    us: 0.001,
    ms: 1,
    s: 1000,
    sec: 1000,
    m: 60_000,
    min: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
  };
  if (value === "infinity") return Number.POSITIVE_INFINITY;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*([a-z]*)/g;
  let matched = false;
  for (const m of value.matchAll(re)) {
    const unit = m[2] || "s";
    const factor = units[unit];
    if (factor === undefined) throw new UnitFileError(`bad time span "${value}"`);
    total += Number(m[1]) * factor;
    matched = true;
  }
  if (!matched) throw new UnitFileError(`bad time span "${value}"`);
  return total;
}

/**
 * systemd's defaults (DefaultStartLimitBurst=5, DefaultStartLimitIntervalSec=10s);
 * [Unit] StartLimitIntervalSec= and its older [Service] spelling StartLimitInterval=.
 */
function startLimit(
  name: string,
  one: (id: string) => string | undefined,
): { burst: number; intervalMs: number } {
  const interval = one("Unit.StartLimitIntervalSec") ?? one("Service.StartLimitInterval") ?? "10s";
  const burst = one("Unit.StartLimitBurst") ?? one("Service.StartLimitBurst") ?? "5";
  if (!/^\d+$/.test(burst))
    throw new UnitFileError(`${name}: StartLimitBurst=${burst} is not a count`);
  return { burst: Number(burst), intervalMs: parseTimespan(interval) };
}

function bool(v: string | undefined): boolean {
  return v !== undefined && /^(1|yes|true|on)$/i.test(v);
}

export function toSpec(name: string, assignments: Assignment[]): UnitSpec {
  const f = foldAssignments(assignments);
  const one = (id: string) => f.get(id)?.at(-1);
  const list = (id: string) => f.get(id) ?? [];
  const type = one("Service.Type") ?? (list("Service.ExecStart").length ? "simple" : "oneshot");
  if (!TYPES.has(type)) throw new UnitFileError(`${name}: unknown Type=${type}`);
  const restart = one("Service.Restart") ?? "no";
  if (!RESTARTS.has(restart)) throw new UnitFileError(`${name}: unknown Restart=${restart}`);
  const kind = name.slice(name.lastIndexOf(".") + 1);
  return {
    name,
    kind,
    description: one("Unit.Description"),
    after: list("Unit.After"),
    before: list("Unit.Before"),
    requires: [...list("Unit.Requires"), ...list("Unit.BindsTo"), ...list("Unit.Requisite")],
    wants: list("Unit.Wants"),
    conflicts: list("Unit.Conflicts"),
    wantedBy: [...list("Install.WantedBy"), ...list("Install.RequiredBy")],
    type: type as ServiceType,
    remainAfterExit: bool(one("Service.RemainAfterExit")),
    execStartPre: list("Service.ExecStartPre"),
    execStart: list("Service.ExecStart"),
    execStartPost: list("Service.ExecStartPost"),
    execStop: list("Service.ExecStop"),
    execStopPost: list("Service.ExecStopPost"),
    environment: list("Service.Environment"),
    environmentFiles: list("Service.EnvironmentFile"),
    workingDirectory: one("Service.WorkingDirectory"),
    restart: restart as RestartPolicy,
    restartSec: parseTimespan(one("Service.RestartSec") ?? "100ms"),
    timeoutStartSec: startTimeout(one("Service.TimeoutStartSec") ?? "90s"),
    timeoutStopSec: parseTimespan(one("Service.TimeoutStopSec") ?? "10s"),
    socketService:
      kind === "socket"
        ? (one("Socket.Service") ?? name.replace(/\.socket$/, ".service"))
        : undefined,
    startLimit: startLimit(name, one),
  };
}
