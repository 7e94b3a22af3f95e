import type { BuiltinUnit } from "./context.js";
import { advertisedUrls, etcd34Env, grpcProxy } from "./etcd-env.js";

/**
 * What etcd 3.4 logs right after it joined its cluster, where it also sends
 * READY=1 (both follow the server's ReadyNotify). Either logger prints it.
 */
const ETCD_READY = /ready to serve client requests/;

/** CoreOS's etcd2.service, running the real etcd 3.4; cloud-config's drop-in sets ETCD_*. */
export const etcd2Service: BuiltinUnit = {
  name: "etcd2.service",
  content: `[Unit]
Description=etcd2
Conflicts=etcd.service

[Service]
Type=notify
Environment=ETCD_DATA_DIR=/var/lib/etcd2
Environment=ETCD_NAME=%m
ExecStart=/usr/bin/etcd
Restart=always
RestartSec=10s
TimeoutStartSec=0
TimeoutStopSec=10s

[Install]
WantedBy=multi-user.target
`,
  prepare({ argv, env }, ctx) {
    if (ctx.etcd.role === "proxy") return grpcProxy(env, ctx, ctx.etcd.endpoints);
    const { env: out, notes } = etcd34Env(env, ctx);
    return { argv, env: out, notes, readyLine: ETCD_READY, clientUrls: advertisedUrls(out) };
  },
};
