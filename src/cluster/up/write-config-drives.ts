import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeConfigDrive } from "../../machine/index.js";
import { stopLocalServers } from "../discovery.js";
import { advertisedClientUrl, etcdRole } from "../etcd-role.js";
import type { MachinePlan } from "../providers/index.js";
import {
  registerCluster,
  registeredClusters,
  shoalDir,
  unregisterCluster,
  writeState,
} from "../state.js";
import { insertDiscovery } from "../user-data.js";
import type { Step } from "./context.js";

/**
 * Each machine's config drive: its own copy of user-data with the token
 * where discovery was left open, and its metadata (name, id, addresses,
 * channel). The user's user-data file is never rewritten.
 */
export const writeConfigDrives: Step = {
  name: "write config drives",
  async run(ctx) {
    const { spec, plan } = ctx;
    const copy = insertDiscovery(ctx.userDataText, ctx.discoveryUrl);
    ctx.etcdSections = copy.sections;
    for (const kept of copy.kept) {
      ctx.progress.say(`user-data sets coreos.${kept}.discovery itself; keeping it`);
    }
    const meta = (m: Pick<MachinePlan, "name" | "machineId" | "address">) => ({
      hostname: m.name,
      machineId: m.machineId,
      privateIpv4: m.address,
      publicIpv4: m.address,
      updateChannel: spec.updateChannel,
    });
    // Members are the first etcdSize machines of the whole cluster, even when only some boot now.
    const members = (ctx.previous?.machines ?? plan.machines)
      .concat(plan.machines)
      .filter(
        (m, i, all) => m.index <= spec.etcdSize && all.findIndex((o) => o.name === m.name) === i,
      )
      .map((m) => advertisedClientUrl(copy.text, meta(m)));
    for (const m of plan.machines) {
      writeConfigDrive(m.dir, {
        userData: copy.text,
        meta: meta(m),
        etcd: etcdRole(m.index, spec.etcdSize, members),
        sharedNetwork: ctx.provider.sharedNetwork,
      });
      writeRaftTimers(m.dir, copy.sections, ctx.options.env);
    }
    writeState(spec.dir, {
      version: 1,
      id: plan.id,
      provider: ctx.provider.name,
      discoveryUrl: ctx.discoveryUrl,
      createdAt: ctx.previous?.createdAt ?? new Date().toISOString(),
      updateChannel: spec.updateChannel,
      namePrefix: spec.namePrefix,
      etcdSize: spec.etcdSize,
      subnet: spec.subnet,
      userData: spec.userData,
      etcdSections: copy.sections,
      // Machines this run does not touch (provision core-02) stay as they were.
      machines: [
        ...(ctx.previous?.machines ?? []).filter(
          (p) => !plan.machines.some((m) => m.name === p.name),
        ),
        ...plan.machines.map(({ index, name, address, machineId }) => ({
          index,
          name,
          address,
          machineId,
        })),
      ].sort((a, b) => a.index - b.index),
    });
    registerCluster(plan.id, spec.dir, ctx.options.env);
    if (!ctx.previous) {
      ctx.cleanup.push({
        what: ".shoal/",
        undo: async () => {
          rmSync(shoalDir(spec.dir), { recursive: true, force: true });
          unregisterCluster(plan.id, ctx.options.env);
          // The local discovery server this up may have started serves no one now.
          if (registeredClusters(ctx.options.env).length === 0)
            await stopLocalServers(ctx.options.env);
        },
      });
    }
  },
};

const RAFT_DROP_IN = "10-shoal-raft-timers.conf";

/**
 * Raft timers for the machines' etcd from the host's environment
 * (SHOAL_ETCD_HEARTBEAT_INTERVAL, SHOAL_ETCD_ELECTION_TIMEOUT, in ms), as a
 * drop-in in the machine's /etc that user-data's own settings (the later
 * 20-cloudinit.conf) still override. Tests and benchmarks use it to make
 * the first election take milliseconds instead of seconds.
 */
function writeRaftTimers(machineDir: string, sections: string[], env: NodeJS.ProcessEnv): void {
  const lines = [
    ["ETCD_HEARTBEAT_INTERVAL", env.SHOAL_ETCD_HEARTBEAT_INTERVAL],
    ["ETCD_ELECTION_TIMEOUT", env.SHOAL_ETCD_ELECTION_TIMEOUT],
  ]
    .filter(([, v]) => v && /^\d+$/.test(v))
    .map(([k, v]) => `Environment=${k}=${v}`);
  for (const section of sections) {
    const dir = join(machineDir, "root", "etc", "systemd", "system", `${section}.service.d`);
    const file = join(dir, RAFT_DROP_IN);
    if (lines.length === 0) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `[Service]\n${lines.join("\n")}\n`);
  }
}
