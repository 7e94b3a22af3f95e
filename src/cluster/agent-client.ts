import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connectMachine, type MachineStatus } from "../machine/index.js";
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
    return [];
  }
}

/** The last lines of the agent's own log (the serial console), read from the host. */
export function consoleTail(machine: MachinePlan, lines = 10): string[] {
  try {
    return readFileSync(join(machine.dir, "console.log"), "utf8")
      .trimEnd()
      .split("\n")
      .slice(-lines);
  } catch {
    return [];
  }
}
