import { parseDuration } from "../../host/index.js";

/** A commander argument parser for a duration flag (a plain number is seconds), naming the flag. */
export function durationFlag(flag: string): (value: string) => number {
  return (value) => parseDuration(value, flag, { plainSeconds: true });
}
