/** The units apply processes, in coreos-cloudinit's order: after users and files, before the environment. */
import { InputError } from "../../errors/index.js";
import { etcd } from "../schema/etcd.js";
import { etcd2 } from "../schema/etcd2.js";
import { fleet } from "../schema/fleet.js";
import type { CloudConfig } from "../schema/index.js";
import { locksmith } from "../schema/locksmith.js";
import type { Section } from "../schema/types.js";
import { unit as unitSchema } from "../schema/units.js";
import type { PlannedUnit, UnitCommand } from "../types.js";
import { serviceDropIn } from "./env.js";

/** coreos.units in order (nameless ones skipped), then the built-in services, then the update units. */
export function units(config: CloudConfig): PlannedUnit[] {
  return [...userUnits(config), ...builtInUnits(config), ...updateUnits(config)];
}

function userUnits(config: CloudConfig): PlannedUnit[] {
  const planned: PlannedUnit[] = [];
  for (const u of config.coreos?.units ?? []) {
    if (!u.name) continue;
    const unit: PlannedUnit = {
      name: u.name,
      // Drop-ins without a name or content are not written.
      dropIns: (u.drop_ins ?? []).flatMap((d) =>
        d.name && d.content ? [{ name: d.name, content: d.content }] : [],
      ),
      runtime: u.runtime ?? false,
      mask: u.mask ?? false,
      enable: u.enable ?? false,
    };
    if (u.content) unit.content = u.content;
    if (u.command) unit.command = command(u.name, u.command);
    planned.push(unit);
  }
  return planned;
}

function command(unit: string, value: string): UnitCommand {
  if (!unitSchema.command.valid?.test(value)) {
    throw new InputError(`unit ${unit}: unsupported command "${value}"`);
  }
  return value as UnitCommand;
}

const BUILT_IN: readonly [string, keyof NonNullable<CloudConfig["coreos"]>, Section][] = [
  ["etcd.service", "etcd", etcd],
  ["etcd2.service", "etcd2", etcd2],
  ["fleet.service", "fleet", fleet],
  ["locksmithd.service", "locksmith", locksmith],
];

/**
 * Always present, as upstream adds them: runtime units with a
 * `20-cloudinit.conf` drop-in, which is left out when it would be empty.
 */
function builtInUnits(config: CloudConfig): PlannedUnit[] {
  return BUILT_IN.map(([name, key, section]) => {
    const content = serviceDropIn(section, config.coreos?.[key] as Record<string, unknown>);
    return {
      name,
      dropIns: content ? [{ name: "20-cloudinit.conf", content }] : [],
      runtime: true,
      mask: false,
      enable: false,
    };
  });
}

/** A reboot strategy restarts locksmithd (`off` stops and masks it); group/server restart update-engine. */
function updateUnits(config: CloudConfig): PlannedUnit[] {
  const update = config.coreos?.update;
  const planned: PlannedUnit[] = [];
  if (update?.reboot_strategy) {
    const off = update.reboot_strategy === "off";
    planned.push({
      name: "locksmithd.service",
      dropIns: [],
      runtime: true,
      mask: off,
      enable: false,
      command: off ? "stop" : "restart",
    });
  }
  if (update?.group || update?.server) {
    planned.push({
      name: "update-engine.service",
      dropIns: [],
      runtime: false,
      mask: false,
      enable: false,
      command: "restart",
    });
  }
  return planned;
}
