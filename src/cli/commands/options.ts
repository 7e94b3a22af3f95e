import { InvalidArgumentError } from "commander";

/** `90s`, `2m`, `1500ms` or a plain number of seconds, in milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError("expected a duration such as 90s, 2m or 1500ms");
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(unit === "ms" ? n : unit === "m" ? n * 60_000 : n * 1000);
}
