import { Writable } from "node:stream";
import { halt, progressFor, reload, up } from "../cluster/index.js";
import { FleetCtl, type Registry, RegistryApi } from "../fleet/index.js";

/** What the page may ask for: the same calls `shoal halt|up|reload` and `fleetctl start|stop` make. */
export const MACHINE_ACTIONS = ["halt", "up", "reload"] as const;
export const UNIT_ACTIONS = ["start", "stop"] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];
export type UnitAction = (typeof UNIT_ACTIONS)[number];

export interface ActionResult {
  code: number;
  /** What the command would have printed. */
  output: string;
}

const UP_TIMEOUT_MS = 120_000;

/** A stream that keeps what is written, as the command's terminal would show it. */
function collector(): { out: Writable; text: () => string } {
  let text = "";
  const out = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}

export async function machineAction(
  action: MachineAction,
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string,
  signal: AbortSignal,
): Promise<ActionResult> {
  const { out, text } = collector();
  const progress = progressFor(out);
  const run = { dir, env, progress, names: [name], signal };
  if (action === "halt") await halt(dir, env, [name], progress);
  else if (action === "up") await up({ ...run, wait: { timeoutMs: UP_TIMEOUT_MS }, retain: false });
  else await reload({ ...run, timeoutMs: UP_TIMEOUT_MS }, progress);
  return { code: 0, output: text() };
}

export async function unitAction(
  action: UnitAction,
  registry: Registry,
  unit: string,
  cwd: string,
): Promise<ActionResult> {
  const lines: string[] = [];
  const ctl = new FleetCtl(new RegistryApi(registry), {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    cwd,
  });
  // Not blocking: the page shows the unit reach its state through the event stream.
  const code =
    action === "start"
      ? await ctl.start([unit], { attempts: -1 })
      : await ctl.stop([unit], { attempts: -1 });
  return { code, output: lines.map((l) => `${l}\n`).join("") };
}
