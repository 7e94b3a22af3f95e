import { MachineError } from "../errors.js";
import { inRoot } from "../layout.js";
import type { BuiltinUnit, ServiceIO } from "./context.js";

/**
 * fleetd inside the agent: its engine and agent run this machine's units
 * through the agent's own init, its API on the machine's /var/run/fleet.sock.
 * fleet's code loads when the unit starts, fleetd's bulk once etcd is healthy.
 */
async function runFleet({ env, signal, killed, onSignal, log, ctx }: ServiceIO): Promise<void> {
  if (!ctx.units) throw new MachineError("fleet.service runs units through its machine's agent");
  // service.js, not fleet/index.js: the index loads the etcd client, which waits for etcd.
  const { runFleetService } = await import("../../fleet/service.js");
  await runFleetService({
    env,
    host: ctx.units,
    machineId: ctx.machineId,
    hostname: ctx.hostname,
    machineDir: ctx.machineDir,
    apiSocket: inRoot(ctx.root, "/var/run/fleet.sock"),
    recordDir: inRoot(ctx.root, "/run/fleet/units"),
    signal,
    killed,
    onSignal,
    log,
  });
}

/** fleet.service: fleet's engine and agent talking to this machine's etcd, run in the agent. */
export const fleetService: BuiltinUnit = {
  name: "fleet.service",
  content: `[Unit]
Description=fleet daemon
After=etcd.service etcd2.service

[Service]
ExecStart=/usr/bin/fleetd
Restart=always
RestartSec=10s

[Install]
WantedBy=multi-user.target
`,
  prepare({ argv, env }, ctx) {
    const out = { ...env };
    // fleet's default (127.0.0.1:2379) is not this machine's etcd on a shared network.
    if (!out.FLEET_ETCD_SERVERS && ctx.etcdEndpoints)
      out.FLEET_ETCD_SERVERS = ctx.etcdEndpoints().join(",");
    if (!out.FLEET_PUBLIC_IP && ctx.publicIpv4) out.FLEET_PUBLIC_IP = ctx.publicIpv4;
    return { argv, env: out, notes: [] };
  },
  run: runFleet,
};
