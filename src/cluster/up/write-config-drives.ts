import { rmSync } from "node:fs";
import { writeConfigDrive } from "../../machine/index.js";
import { registerCluster, shoalDir, unregisterCluster, writeState } from "../state.js";
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
    for (const m of plan.machines) {
      writeConfigDrive(m.dir, {
        userData: copy.text,
        meta: {
          hostname: m.name,
          machineId: m.machineId,
          privateIpv4: m.address,
          publicIpv4: m.address,
          updateChannel: spec.updateChannel,
        },
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
        },
      });
    }
  },
};
