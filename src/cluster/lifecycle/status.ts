import { findClientUrl, health, hexId, memberStatus } from "../../etcd/index.js";
import type { UnitState } from "../../machine/index.js";
import { agentStatus } from "../agent-client.js";
import { machineUpdate } from "../machine-update.js";
import type { MachineState } from "../providers/index.js";
import { openCluster } from "./open.js";

export interface MachineReport {
  name: string;
  state: MachineState;
  provider: string;
  address: string;
  machineId?: string;
  /** The channel (GROUP) it follows. */
  updateChannel?: string;
  /** The release the machine runs, its /usr slot, update-engine's status and the update it got. */
  version?: string;
  slot?: "A" | "B";
  updateStatus?: string;
  newVersion?: string;
  etcd?: {
    memberId: string;
    health: boolean;
    /** Why /health did not say true: `URL: HTTP 503`, `URL: no answer in 1000 ms`. */
    healthError?: string;
    leader: string;
    isLeader: boolean;
    clientUrl: string;
  };
  /** Why a running machine's etcd gave no status: nothing listening, refused, timed out. */
  etcdError?: string;
  units?: Array<Pick<UnitState, "name" | "active" | "sub">>;
}

/**
 * Every machine's state as the host sees it (vagrant's states); with
 * `detail`, also what its agent and its etcd member say.
 */
export async function status(
  dir: string,
  env: NodeJS.ProcessEnv,
  names: string[] | undefined,
  detail: boolean,
): Promise<MachineReport[]> {
  const { state, provider, plan } = await openCluster(dir, env, names);
  const host = await provider.list(plan);
  return Promise.all(
    plan.machines.map(async (m) => {
      const st = host.find((h) => h.name === m.name)?.state ?? "not created";
      const created = state?.machines.some((s) => s.name === m.name) ?? false;
      const report: MachineReport = {
        name: m.name,
        state: st,
        provider: provider.name,
        address: m.address,
      };
      if (!detail) return report;
      if (created) {
        report.machineId = m.machineId;
        report.updateChannel = state?.updateChannel;
      }
      const [agent, url] = await Promise.all([
        st === "running" ? agentStatus(m) : undefined,
        st === "running" ? findClientUrl(m.address) : undefined,
      ]);
      const update = created ? await machineUpdate(m, agent) : undefined;
      // The channel the machine follows: its update.conf, which a user may edit inside it.
      if (update) {
        const { channel, ...rest } = update;
        Object.assign(report, rest, { updateChannel: channel });
      }
      if (!url) return report;
      if (agent)
        report.units = agent.units.map((u) => ({ name: u.name, active: u.active, sub: u.sub }));
      if ("reason" in url) {
        report.etcdError = url.reason;
        return report;
      }
      const [s, h] = await Promise.all([memberStatus(url.value), health(url.value)]);
      if ("reason" in s) {
        report.etcdError = s.reason;
        return report;
      }
      report.etcd = {
        memberId: hexId(s.value.memberId),
        health: "value" in h,
        ...("reason" in h ? { healthError: h.reason } : {}),
        leader: hexId(s.value.leader),
        isLeader: s.value.memberId !== "" && s.value.memberId === s.value.leader,
        clientUrl: url.value,
      };
      return report;
    }),
  );
}

/** vagrant's long descriptions (shoal has no suspend, so halt and destroy take its place). */
const LONG: Record<MachineState, string> = {
  running: [
    "The VM is running. To stop this VM, you can run `shoal halt` to",
    "shut it down, or you can run `shoal destroy` to remove it. In either",
    "case, to restart it again, simply run `shoal up`.",
  ].join("\n"),
  poweroff: "The VM is powered off. To restart the VM, simply run `shoal up`",
  aborted: [
    "The VM is in an aborted state. This means that it was abruptly",
    "stopped without properly closing the session. Run `shoal up` to resume",
    "this VM as normal.",
  ].join("\n"),
  "not created": [
    "The environment has not yet been created. Run `shoal up` to",
    "create the environment. If a machine is not created, only the",
    "default provider will be shown. So if a provider is not listed,",
    "then the machine is not created for that environment.",
  ].join("\n"),
};

/** vagrant status's exact layout: names padded to 25 (or the longest name), then vagrant's closing text. */
export function renderStatus(rows: readonly MachineReport[]): string {
  const width = Math.max(25, ...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `${r.name.padEnd(width)} ${r.state} (${r.provider})`);
  const closing =
    rows.length === 1 && rows[0]
      ? LONG[rows[0].state]
      : [
          "This environment represents multiple VMs. The VMs are all listed",
          "above with their current state. For more information about a specific",
          "VM, run `shoal status NAME`.",
        ].join("\n");
  return `Current machine states:\n\n${lines.join("\n")}\n\n${closing}\n`;
}
