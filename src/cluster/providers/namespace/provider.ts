import { mkdirSync, writeFileSync } from "node:fs";
import { privileges } from "../../../host/index.js";
import { machinePaths } from "../../../machine/index.js";
import {
  agentArgv,
  agentLifecycle,
  clearRunMarkers,
  launchMachine,
  ownUnitsDir,
  prepareBoot,
  runningPid,
} from "../common/agent.js";
import { INIT_SCRIPT } from "../common/init.js";
import { bridgeAddress, gatewayAddress, netnsName, vethName } from "../common/names.js";
import { providerPidFile, removePid } from "../common/pids.js";
import {
  type ClusterPlan,
  type MachinePlan,
  missingTools,
  type Provider,
  type ProviderInfo,
} from "../common/provider.js";
import { coreHome, enterMachine } from "../common/shell.js";
import { machineFstab } from "./fstab.js";
import {
  ensureBridge,
  ensureMachineLinks,
  listLinks,
  listNetns,
  removeBridgeIfUnused,
  removeMachineNetwork,
} from "./network.js";

const TOOLS = ["ip", "unshare", "nsenter", "chroot", "mount"] as const;

/**
 * Run inside new mount, UTS and PID namespaces (and the machine's network
 * namespace): address eth0 and bring up lo (the host made the links), name
 * the host (through /proc: no process for it), make the machine's root
 * with the mounts of its fstab (fstab.ts) in one `mount -a`, then chroot
 * and exec shoal's init (common/init.ts) as PID 1 with the agent as its child.
 */
const BOOT_SCRIPT = `set -e
name="$1" address="$2" gateway="$3" fstab="$4" merged="$5" init="$6"; shift 6
printf '%s\\n' "addr replace $address/24 dev eth0" "link set eth0 up" "link set lo up" \\
  "route replace default via $gateway" | ip -batch -
printf '%s' "$name" > /proc/sys/kernel/hostname
mount -a -T "$fstab"
exec chroot "$merged" /bin/sh -c "$init" init "$@"`;

/** Machines with their own network, hostname, mounts and PID 1 (root only). */
export const namespaceProvider: Provider = {
  name: "namespace",

  sharedNetwork: false,

  async info(env): Promise<ProviderInfo> {
    const needs = ["root (or CAP_SYS_ADMIN and CAP_NET_ADMIN)", ...TOOLS];
    const priv = privileges();
    if (!priv.root && !(priv.capSysAdmin && priv.capNetAdmin)) {
      return { name: "namespace", needs, usable: false, reason: "not root" };
    }
    const missing = missingTools(TOOLS, env.PATH);
    if (missing) return { name: "namespace", needs, usable: false, reason: missing };
    return { name: "namespace", needs, usable: true };
  },

  address: bridgeAddress,

  hostAddress: gatewayAddress,

  async prepare(cluster) {
    await ensureBridge(cluster.subnet);
    const links = cluster.machines
      .filter((m) => runningPid(m) === undefined)
      .map((m) => ({ ns: netnsName(cluster.id, m.name), veth: vethName(cluster.id, m.index) }));
    try {
      await ensureMachineLinks(links);
    } catch {
      // Another cluster's destroy may have removed shoal0 while it had no ports yet.
      await ensureBridge(cluster.subnet);
      await ensureMachineLinks(links);
    }
  },

  async start(cluster: ClusterPlan, machine: MachinePlan, env: NodeJS.ProcessEnv): Promise<void> {
    if (runningPid(machine) !== undefined) return;
    const ns = netnsName(cluster.id, machine.name);
    clearRunMarkers(machine);
    prepareBoot(machine, { slotMounted: true });
    const paths = machinePaths(machine.dir);
    const { root: upper, overlayWork: work, overlayWorkUsr: workUsr, merged } = paths;
    const units = ownUnitsDir(machine);
    for (const d of [upper, work, workUsr, merged, units, `${upper}/usr`])
      mkdirSync(d, { recursive: true });
    coreHome(upper);
    const { fstab } = paths;
    writeFileSync(
      fstab,
      machineFstab({
        upper,
        work,
        workUsr,
        merged,
        machineDir: machine.dir,
        slot: paths.activeSlot,
      }),
    );
    await launchMachine(
      machine,
      [
        "ip",
        "netns",
        "exec",
        ns,
        "unshare",
        "--mount",
        "--uts",
        "--pid",
        "--fork",
        "--kill-child",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        BOOT_SCRIPT,
        "boot",
        machine.name,
        machine.address,
        gatewayAddress(cluster.subnet),
        fstab,
        merged,
        INIT_SCRIPT,
        ...agentArgv(machine, "/", { slotMounted: true }),
      ],
      { env },
    );
  },

  ...agentLifecycle,

  async destroy(cluster, machine): Promise<void> {
    await removeMachineNetwork(
      netnsName(cluster.id, machine.name),
      vethName(cluster.id, machine.index),
    );
    removePid(providerPidFile(machine.dir));
  },

  async cleanup(cluster): Promise<void> {
    // Leftovers of machines no longer in the spec (fewer instances, a crash mid-up).
    const prefix = `shoal-${cluster.id}-`;
    for (const ns of (await listNetns()).filter((n) => n.startsWith(prefix))) {
      await removeMachineNetwork(ns, "");
    }
    for (const link of (await listLinks()).filter((l) =>
      l.startsWith(vethName(cluster.id, 0).slice(0, -1)),
    )) {
      await removeMachineNetwork("", link);
    }
    await removeBridgeIfUnused();
  },

  exec(_cluster, machine, command, env): Promise<number> {
    return enterMachine(machine, ["--mount", "--uts", "--net", "--pid"], command, env);
  },
};
