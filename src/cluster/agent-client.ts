import { readFileSync } from "node:fs";
import { connectMachine, type MachineStatus, machinePaths } from "../machine/index.js";
import type { MachinePlan } from "./providers/index.js";

/** The machine's own view (boot state, units) from its agent, or undefined while it does not answer. */
export async function agentStatus(machine: MachinePlan): Promise<MachineStatus | undefined> {
  try {
    const client = await connectMachine(machine.dir);
    try {
      return await client.status();
    } finally {
      client.close();
    }
  } catch {
    // No agent listening (booting, halted, killed): the caller shows what the host sees instead.
    return undefined;
  }
}

/** The last lines of a unit's journal, through the agent. */
export async function journalTail(
  machine: MachinePlan,
  unit: string,
  lines = 10,
): Promise<string[]> {
  try {
    const client = await connectMachine(machine.dir);
    try {
      const out: string[] = [];
      for await (const line of client.journal(unit, { lines })) out.push(line);
      return out.slice(-lines);
    } finally {
      client.close();
    }
  } catch {
    // The agent is gone: a failure message without journal lines beats none.
    return [];
  }
}

/** The last lines of the agent's own log (the serial console), read from the host. */
export function consoleTail(machine: MachinePlan, lines = 10): string[] {
  try {
    return readFileSync(machinePaths(machine.dir).console, "utf8")
      .trimEnd()
      .split("\n")
      .slice(-lines);
  } catch {
    // The machine never got far enough to write a console: no evidence to show.
    return [];
  }
}
