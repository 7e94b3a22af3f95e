import type { BuiltinUnit } from "./context.js";

/** fleet.service: shoal's fleet agent (`shoal fleetd`) talking to this machine's etcd. */
export const fleetService: BuiltinUnit = {
  name: "fleet.service",
  content: `[Unit]
Description=fleet daemon
After=etcd.service etcd2.service

[Service]
ExecStart=shoal fleetd
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
};
