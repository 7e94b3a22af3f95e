import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inRoot, machinePaths } from "../layout.js";
import type { BuiltinUnit, ServiceIO } from "./context.js";
import { ETCD_UNITS } from "./index.js";

/**
 * locksmithd inside the agent: update-engine's status from its control
 * socket (upstream: D-Bus), the reboot from the agent's own socket
 * (upstream: logind), "back and healthy" when the agent says the boot
 * completed (the one test coreos-setgoodroot's slot marking uses), the
 * lock in the machine's etcd. Its code (and etcd's gRPC client) loads when
 * the unit starts, not with the agent.
 */
async function runLocksmithd({ ctx, env, signal, log }: ServiceIO): Promise<void> {
  const [
    { locksmithdConfig, runLocksmithd: run, openRebootLock, handOffLeadership },
    engine,
    agent,
  ] = await Promise.all([
    import("../../update/locksmith/index.js"),
    import("../../update/engine/index.js"),
    import("../control/client.js"),
  ]);
  if (signal.aborted) return; // stopped while its code loaded
  const paths = machinePaths(ctx.machineDir);
  const machine = await agent.connectMachine(ctx.machineDir);
  const endpoints = ctx.etcdEndpoints?.() ?? [];
  const memberUrl = ctx.etcd.role === "member" ? endpoints[0] : undefined;
  // locksmith's best-effort test: an etcd unit in any state but inactive.
  const etcdRuns = (await machine.status()).units.some(
    (u) => ETCD_UNITS.includes(u.name) && u.active !== "inactive",
  );
  const config = locksmithdConfig(env, { etcdRuns, defaultEndpoints: endpoints });
  const coordinator = inRoot(ctx.root, "/run/update-engine/coordinator.conf");
  let completed = false;
  void (ctx.bootCompleted ?? Promise.resolve()).then(() => {
    completed = true;
  });

  const code = await run(
    config,
    {
      machineId: ctx.machineId,
      log,
      now: () => new Date(),
      sleep: (ms, s) => sleep(ms, undefined, { signal: s }).catch(() => {}),
      updateEngine: engine.followStatus(paths.updateEngineSocket),
      openLock: openRebootLock,
      healthy: async () => completed,
      ...(memberUrl ? { handOffLeadership: () => handOffLeadership(memberUrl) } : {}),
      reboot: () => machine.reboot(),
      setState(state) {
        // What upstream's coordinator.conf says, for whoever looks.
        mkdirSync(dirname(coordinator), { recursive: true });
        writeFileSync(
          coordinator,
          `NAME=locksmithd\nSTRATEGY=${config.strategy}\nSTATE=${state}\n`,
        );
      },
    },
    signal,
  );
  if (code !== 0) throw new Error(`locksmithd exited with status ${code}`);
}

/** locksmithd.service: reboots the machine into an installed update, under the cluster's reboot lock. */
export const locksmithdService: BuiltinUnit = {
  name: "locksmithd.service",
  content: `[Unit]
Description=Cluster reboot manager
After=update-engine.service

[Service]
EnvironmentFile=-/usr/share/coreos/update.conf
EnvironmentFile=-/etc/coreos/update.conf
ExecStart=shoal locksmithd
Restart=on-failure
RestartSec=10s

[Install]
WantedBy=multi-user.target
`,
  enabled: true,
  run: runLocksmithd,
};
