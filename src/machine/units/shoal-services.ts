import type { BuiltinUnit } from "./context.js";

/**
 * locksmithd (reboot coordination) is the update module's job
 * (`shoal locksmithd`); until it runs here, starting it fails with that reason.
 */
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
};
