import { existsSync } from "node:fs";
import { join } from "node:path";
import { readRebootLock } from "../cluster/index.js";
import { stateDir } from "../host/index.js";
// The store and its report, not the update index: that would load the Omaha codec and tar too.
import { channelRows } from "../update/server/report.js";
import { CHANNELS, type Instance, UpdateStore } from "../update/server/store.js";
import type { MachineView, UpdatesView } from "./types.js";

/**
 * The update server's store (the one `shoal up` starts its server on),
 * opened once it exists and read at each look: every channel's release and
 * rollout, and each machine's last reported error; plus locksmith's reboot
 * lock from etcd. Nothing is written.
 */
export class UpdateSource {
  private store: UpdateStore | undefined;
  private readonly dir: string;

  constructor(env: NodeJS.ProcessEnv) {
    this.dir = join(stateDir(env), "updates");
  }

  /** The updates section, and `machines` with each one's last update error. */
  async look(
    machines: MachineView[],
    clientUrls: readonly string[],
  ): Promise<{ updates: UpdatesView; machines: MachineView[] }> {
    const [store, lock] = await Promise.all([this.open(), readRebootLock(clientUrls)]);
    const updates: UpdatesView = { channels: [] };
    let instances: Instance[] = [];
    if (store) {
      instances = store.instances();
      updates.channels = channelRows(
        CHANNELS.map((c) => store.channel(c)),
        instances,
      ).map((r) => ({
        name: r.channel,
        release: r.release,
        base: r.base,
        ...(r.published ? { published: r.published } : {}),
        ...(r.paused ? { paused: r.pausedReason ?? "" } : {}),
      }));
    }
    if (lock) {
      const names = new Map(machines.map((m) => [m.machineId, m.name]));
      updates.rebootLock = {
        max: lock.max,
        holders: lock.holders.map((id) => names.get(id) ?? id),
      };
    }
    const errors = new Map(instances.map((i) => [i.machineId, i.lastError]));
    return {
      updates,
      machines: machines.map((m) => {
        const error = m.machineId ? errors.get(m.machineId) : undefined;
        return error ? { ...m, updateError: error } : m;
      }),
    };
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }

  /** The store once `up` (or `shoal updates`) made it; never created from here. */
  private async open(): Promise<UpdateStore | undefined> {
    if (this.store) return this.store;
    if (!existsSync(join(this.dir, "updates.db"))) return undefined;
    try {
      this.store = await UpdateStore.open(this.dir);
    } catch {
      // Damaged or unreadable: the page shows no channels rather than failing every look.
    }
    return this.store;
  }
}
