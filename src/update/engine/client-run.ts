/**
 * `update_engine_client` against the engine's control socket: upstream's
 * gflags (`-status`, `-check_for_update`, `-update`, `-reset_status`,
 * `-watch_for_updates`, one or two dashes), output and exit codes.
 */
import { formatStatus, formatStatusUpdate, glogLine } from "./client.js";
import { type ControlReply, type ControlRequest, callControl } from "./control.js";
import type { EngineState } from "./status.js";

export interface ClientIO {
  socketPath: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Ends `-watch_for_updates` (upstream runs until killed). */
  signal?: AbortSignal;
  /** How often `-update` polls the status (upstream: 5 s). */
  pollMs?: number;
  pid?: number;
  now?: () => Date;
}

const FLAGS = [
  "check_for_update",
  "status",
  "reset_status",
  "update",
  "watch_for_updates",
] as const;
type Flag = (typeof FLAGS)[number];

/** gflags' reading of boolean flags: -x, --x, -x=true|false. */
export function parseClientFlags(argv: string[]): Set<Flag> | { unknown: string } {
  const on = new Set<Flag>();
  for (const arg of argv) {
    const m = /^--?([a-z_]+)(?:=(true|false|1|0))?$/.exec(arg);
    const name = m?.[1] as Flag | undefined;
    if (!m || !name || !FLAGS.includes(name))
      return { unknown: arg.replace(/^--?/, "").split("=")[0] ?? arg };
    if (m[2] === "false" || m[2] === "0") on.delete(name);
    else on.add(name);
  }
  return on;
}

export async function runEngineClient(argv: string[], io: ClientIO): Promise<number> {
  const pid = io.pid ?? process.pid;
  const now = io.now ?? (() => new Date());
  const log = (line: number, text: string, severity: "I" | "E" = "I") =>
    io.stderr.write(glogLine(severity, now(), pid, line, text));
  const flags = parseClientFlags(argv);
  if ("unknown" in flags) {
    io.stderr.write(`ERROR: unknown command line flag '${flags.unknown}'\n`);
    return 1;
  }
  const call = async (
    req: ControlRequest,
    onState?: (s: EngineState) => void,
  ): Promise<EngineState> => {
    let last: EngineState | undefined;
    let error: string | undefined;
    await callControl(
      io.socketPath,
      req,
      (r: ControlReply) => {
        if ("error" in r) error = r.error;
        else {
          last = r.state;
          onState?.(r.state);
        }
      },
      io.signal,
    );
    if (error) throw new Error(error);
    if (!last && !io.signal?.aborted)
      throw new Error("update_engine closed the connection without an answer");
    return last as EngineState;
  };
  try {
    if (flags.has("reset_status")) {
      log(223, "Setting Update Engine status to idle ...");
      await call({ op: "reset" });
      log(
        229,
        "ResetStatus succeeded; the installed slot keeps its priority until the next update",
      );
      return 0;
    }
    if (flags.has("status")) {
      log(237, "Querying Update Engine status...");
      io.stdout.write(formatStatus(await call({ op: "status" })));
      return 0;
    }
    if (flags.has("check_for_update") || flags.has("update")) {
      log(247, "Initiating update check and install.");
      await call({ op: "check" });
      if (!flags.has("update")) return 0;
      log(252, "Waiting for update to complete.");
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 5000));
        const state = await call({ op: "status" });
        io.stdout.write(formatStatus(state));
        if (state.status === "UPDATE_STATUS_IDLE") {
          log(190, "Update failed.", "E");
          return 1;
        }
        if (state.status === "UPDATE_STATUS_UPDATED_NEED_REBOOT") {
          log(194, "Update succeeded -- reboot needed.");
          return 0;
        }
      }
    }
    if (flags.has("watch_for_updates")) {
      log(261, "Watching for status updates.");
      await call({ op: "watch" }, (s) => io.stderr.write(formatStatusUpdate(s, now(), pid)));
      return 1;
    }
    log(266, "Done.");
    return 0;
  } catch (err) {
    log(
      65,
      `Giving up -- unable to reach update_engine at ${io.socketPath}: ${err instanceof Error ? err.message : String(err)}`,
      "E",
    );
    return 1;
  }
}
