import { rmSync } from "node:fs";
import { writeConfigDrive } from "../../machine/index.js";
import { advertisedClientUrl, etcdRole, raftTimers } from "../etcd-role.js";
import { stopLocalServers } from "../local-server.js";
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
 * channel, its part in etcd with the host's raft timers). The user's
 * user-data file is never rewritten.
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
      ...(ctx.updates ? { updateServer: ctx.updates.url } : {}),
    });
    // Members are the first etcdSize machines of the whole cluster, even when only some boot now.
    const members = (ctx.previous?.machines ?? plan.machines)
      .concat(plan.machines)
      .filter(
        (m, i, all) => m.index <= spec.etcdSize && all.findIndex((o) => o.name === m.name) === i,
      )
      .map((m) => advertisedClientUrl(copy.text, meta(m)));
    const raft = raftTimers(ctx.options.env);
    for (const m of plan.machines) {
      writeConfigDrive(m.dir, {
        userData: copy.text,
        meta: meta(m),
        etcd: etcdRole(m.index, spec.etcdSize, members, raft),
        sharedNetwork: ctx.provider.sharedNetwork,
      });
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
