/**
 * The agent's control protocol: one JSON request per connection on
 * agent.sock, answered by JSON lines. Most requests get one line
 * `{"ok":true,"result":...}` or `{"ok":false,"error":"..."}`; `journal`
 * streams `{"line":"..."}` lines, then `{"ok":true}` unless it follows.
 * `wait-boot` answers with the status once the boot is over (a long poll).
 */
import { InputError } from "../../errors/index.js";

export type Request =
  | { op: "status" | "wait-boot" }
  | { op: "start" | "stop" | "restart" | "remove"; unit: string }
  | { op: "install"; unit: string; content: string; runtime?: boolean }
  | { op: "journal"; unit: string; lines?: number; follow?: boolean }
  | { op: "reprovision" }
  | { op: "halt" | "reboot" };

export type Reply =
  | { ok: true; result?: unknown }
  | { ok: false; error: string }
  | { line: string };

const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]+\.(service|socket|target|timer|path|mount)$/;

/** Parses and checks one request line; throws with a message naming the field. */
export function parseRequest(text: string): Request {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse's own message names a character offset, which says less than this.
    throw new InputError("bad request: not JSON");
  }
  if (!raw || typeof raw !== "object") throw new InputError("bad request: not an object");
  const r = raw as Record<string, unknown>;
  const unit = () => {
    if (typeof r.unit !== "string" || !UNIT_NAME.test(r.unit))
      throw new InputError(`bad request: field "unit" must be a unit name like foo.service`);
    return r.unit;
  };
  switch (r.op) {
    case "status":
    case "wait-boot":
    case "reprovision":
    case "halt":
    case "reboot":
      return { op: r.op };
    case "start":
    case "stop":
    case "restart":
    case "remove":
      return { op: r.op, unit: unit() };
    case "install":
      if (typeof r.content !== "string")
        throw new InputError(`bad request: field "content" must be a string`);
      if (r.runtime !== undefined && typeof r.runtime !== "boolean")
        throw new InputError(`bad request: field "runtime" must be a boolean`);
      return {
        op: "install",
        unit: unit(),
        content: r.content,
        runtime: r.runtime as boolean | undefined,
      };
    case "journal":
      if (r.lines !== undefined && !(Number.isInteger(r.lines) && (r.lines as number) >= 0))
        throw new InputError(`bad request: field "lines" must be a non-negative integer`);
      if (r.follow !== undefined && typeof r.follow !== "boolean")
        throw new InputError(`bad request: field "follow" must be a boolean`);
      return {
        op: "journal",
        unit: unit(),
        lines: r.lines as number | undefined,
        follow: r.follow as boolean | undefined,
      };
    default:
      throw new InputError(`bad request: unknown op ${JSON.stringify(r.op)}`);
  }
}
