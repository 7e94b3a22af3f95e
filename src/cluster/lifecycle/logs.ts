import { createReadStream, statSync, unwatchFile, watchFile } from "node:fs";
import { connectMachine, machinePaths } from "../../machine/index.js";
import { hostState } from "../providers/index.js";
import { openCluster } from "./open.js";
import { NotRunningError } from "./ssh.js";

/**
 * A unit's journal through the machine's agent (`journalctl -u UNIT [-f]`),
 * or without a unit the machine's console (the agent's own log), read from
 * the host so it works after a crash too.
 */
export async function logs(
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string,
  unit: string | undefined,
  follow: boolean,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<void> {
  const { plan } = await openCluster(dir, env, [name]);
  const m = plan.machines[0];
  if (!m) return;
  if (unit === undefined) return tailFile(machinePaths(m.dir).console, follow, out, signal);
  if (hostState(m) !== "running") {
    throw new NotRunningError(`${name} is not running; its console log is \`shoal logs ${name}\``);
  }
  const client = await connectMachine(m.dir);
  signal.addEventListener("abort", () => client.close(), { once: true });
  try {
    for await (const line of client.journal(unit, { follow })) out.write(`${line}\n`);
  } finally {
    client.close();
  }
}

async function tailFile(
  path: string,
  follow: boolean,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<void> {
  let offset = 0;
  const copy = () =>
    new Promise<void>((resolve) => {
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        // Not written yet (or removed by destroy): nothing to copy this time.
        return resolve();
      }
      if (size <= offset) return resolve();
      const stream = createReadStream(path, { start: offset, end: size - 1 });
      offset = size;
      stream.on("data", (chunk) => out.write(chunk));
      stream.on("end", resolve);
      stream.on("error", () => resolve());
    });
  await copy();
  if (!follow) return;
  await new Promise<void>((resolve) => {
    watchFile(path, { interval: 200 }, () => void copy());
    signal.addEventListener(
      "abort",
      () => {
        unwatchFile(path);
        resolve();
      },
      { once: true },
    );
  });
}
