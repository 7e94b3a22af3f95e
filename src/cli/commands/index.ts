import type { Command } from "commander";
import type { IO } from "../io.js";

export type CommandFactory = (io: IO, setExit: (code: number) => void) => Promise<Command>;

/**
 * Every command, loaded only when it runs: a machine agent or an in-machine
 * `systemctl` must not pay for the etcd client or SQLite it never uses.
 */
export const COMMANDS: Record<string, CommandFactory> = {
  doctor: (io, setExit) => import("./doctor.js").then((m) => m.doctorCommand(io, setExit)),
  init: (io) => import("./init.js").then((m) => m.initCommand(io)),
  up: (io) => import("./up.js").then((m) => m.upCommand(io)),
  status: (io) => import("./status.js").then((m) => m.statusCommand(io)),
  ssh: (io, setExit) => import("./ssh.js").then((m) => m.sshCommand(io, setExit)),
  logs: (io) => import("./logs.js").then((m) => m.logsCommand(io)),
  halt: (io) => import("./halt.js").then((m) => m.haltCommand(io)),
  reload: (io) => import("./reload.js").then((m) => m.reloadCommand(io)),
  provision: (io) => import("./provision.js").then((m) => m.provisionCommand(io)),
  destroy: (io) => import("./destroy.js").then((m) => m.destroyCommand(io)),
  dashboard: (io) => import("./dashboard.js").then((m) => m.dashboardCommand(io)),
  discovery: (io, setExit) => import("./discovery.js").then((m) => m.discoveryCommand(io, setExit)),
  fleetctl: (io, setExit) => import("./fleetctl.js").then((m) => m.fleetctlCommand(io, setExit)),
  locksmithctl: (io, setExit) =>
    import("./locksmithctl.js").then((m) => m.locksmithctlCommand(io, setExit)),
  machine: (io, setExit) => import("./machine.js").then((m) => m.machineCommand(io, setExit)),
  update_engine_client: (io, setExit) =>
    import("./update-engine-client.js").then((m) => m.updateEngineClientCommand(io, setExit)),
  updates: (io, setExit) => import("./updates.js").then((m) => m.updatesCommand(io, setExit)),
  validate: (io, setExit) => import("./validate.js").then((m) => m.validateCommand(io, setExit)),
};
