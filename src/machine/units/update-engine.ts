import { readFileSync } from "node:fs";
import { untilAborted } from "../../host/index.js";
import { inRoot, machinePaths } from "../layout.js";
import type { BuiltinUnit, ServiceIO } from "./context.js";

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // absent: the engine treats a missing file as unset
  }
}

/**
 * update_engine inside the agent: its check schedule and control socket
 * (the machine's update_engine_client), with the machine's update.conf,
 * release files, slots and the release key from the config drive. The
 * engine's code is loaded when the unit starts, not with the agent.
 */
async function runUpdateEngine({ ctx, signal, log }: ServiceIO): Promise<void> {
  const { nodeHttp, NO_VERSION, Prefs, SlotDirs, startEngineDaemon } = await import(
    "../../update/engine/index.js"
  );
  const paths = machinePaths(ctx.machineDir);
  const daemon = await startEngineDaemon({
    deps: {
      readFile: (path) => readText(inRoot(ctx.root, path)),
      slots: new SlotDirs(paths.slots),
      prefs: new Prefs(inRoot(ctx.root, "/var/lib/update_engine/prefs")),
      http: nodeHttp,
      // Read at each check: `up` puts it on the config drive once its server answers.
      publicKey: () => readText(paths.updateKey) ?? "",
      machineId: ctx.machineId,
      bootId: ctx.bootId ?? "",
      alias: ctx.hostname,
      now: Date.now,
      bootCompleted: ctx.bootCompleted,
      log,
    },
    socketPath: paths.updateEngineSocket,
  });
  ctx.updateState = () => {
    const { status, newVersion } = daemon.engine.state;
    return newVersion === NO_VERSION ? { status } : { status, newVersion };
  };
  try {
    await untilAborted(signal);
  } finally {
    ctx.updateState = undefined;
    await daemon.close();
  }
}

/** update-engine.service: A/B updates of the machine's /usr from its channel, run in the agent. */
export const updateEngineService: BuiltinUnit = {
  name: "update-engine.service",
  content: `[Unit]
Description=Update Engine

[Service]
ExecStart=shoal update-engine
Restart=always
RestartSec=30s

[Install]
WantedBy=multi-user.target
`,
  enabled: true,
  run: runUpdateEngine,
};
