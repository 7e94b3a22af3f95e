import { stateDir } from "../../../host/index.js";
import {
  agentArgv,
  agentLifecycle,
  clearRunMarkers,
  launchMachine,
  prepareBoot,
  runningPid,
} from "../common/agent.js";
import { INIT_SCRIPT } from "../common/init.js";
import { hostNetwork } from "../common/names.js";
import { providerPidFile, removePid } from "../common/pids.js";
import {
  type ClusterPlan,
  type MachinePlan,
  missingTools,
  type Provider,
  type ProviderInfo,
} from "../common/provider.js";
import { enterMachine } from "../common/shell.js";
import { MACHINE_NAMESPACES, probeRootless } from "./probe.js";
import { prepareRoot, unlockOverlayWork } from "./root.js";

const TOOLS = ["unshare", "nsenter", "chroot", "mount", "hostname"] as const;

/**
 * Run inside a new user namespace (this user as root) with new mount, UTS
 * and PID namespaces: name the host, create the skeleton of directories
 * in the machine's layer (root.ts), make the machine's root with the
 * mounts of its fstab (fstab.ts) in one `mount -a`, then chroot and exec
 * shoal's init (common/init.ts) as PID 1 with the agent as its child.
 */
const BOOT_SCRIPT = `set -e
name="$1" fstab="$2" merged="$3" init="$4" upper="$5" skeleton="$6"; shift 6
hostname "$name"
(cd "$upper" && xargs -r -d '\\n' mkdir -p < "$skeleton")
mount -a -T "$fstab"
exec chroot "$merged" /bin/sh -c "$init" init "$@"`;

let probed: Promise<string | undefined> | undefined;

/**
 * Machines for any user, through user namespaces: their own hostname,
 * mounts (the host's directories with the machine's own layer over /etc,
 * /home, /run, /usr and /var) and PID 1, on the host's network at
 * 127.17.8.(100+i) as the process provider.
 */
export const rootlessProvider: Provider = {
  name: "rootless",

  ...hostNetwork,

  async info(env): Promise<ProviderInfo> {
    const needs = ["unprivileged user namespaces", "overlayfs with userxattr", ...TOOLS];
    const missing = missingTools(TOOLS, env.PATH);
    if (missing) return { name: "rootless", needs, usable: false, reason: missing };
    // Once per process: the answer does not change while shoal runs.
    probed ??= probeRootless(stateDir(env), env);
    const refused = await probed;
    if (refused !== undefined) {
      return {
        name: "rootless",
        needs,
        usable: false,
        reason: `the kernel refused a user namespace with its mounts (${refused}); \`shoal doctor\` says why`,
      };
    }
    return { name: "rootless", needs, usable: true };
  },

  async start(cluster: ClusterPlan, machine: MachinePlan, env: NodeJS.ProcessEnv): Promise<void> {
    if (runningPid(machine) !== undefined) return;
    clearRunMarkers(machine);
    const { fstab, merged, upper, skeleton, slotMounted } = prepareRoot(cluster, machine);
    prepareBoot(machine, { slotMounted });
    await launchMachine(
      machine,
      [
        "unshare",
        ...MACHINE_NAMESPACES,
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        BOOT_SCRIPT,
        "boot",
        machine.name,
        fstab,
        merged,
        INIT_SCRIPT,
        upper,
        skeleton,
        ...agentArgv(machine, "/", { slotMounted }),
      ],
      { env },
    );
  },

  ...agentLifecycle,

  async destroy(_cluster, machine): Promise<void> {
    unlockOverlayWork(machine);
    removePid(providerPidFile(machine.dir));
  },

  // Nothing is shared on the host: every mount lives and dies with its machine's namespace.
  async cleanup(): Promise<void> {},

  exec(_cluster, machine, command, env): Promise<number> {
    // This user is root in the machine already: no setgroups, which the namespace denies.
    return enterMachine(
      machine,
      ["--user", "--preserve-credentials", "--mount", "--uts", "--pid"],
      command,
      env,
    );
  },
};
