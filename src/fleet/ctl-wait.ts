import type { ApiUnit, FleetApi } from "./client.js";
import { type Clock, systemClock } from "./clock.js";
import { machineLegend } from "./format.js";
import { requirementsOf } from "./requirements.js";

/**
 * fleetctl's waiting, as upstream does it: each attempt polls every 250 ms
 * for up to 2 s; --block-attempts N gives up after N attempts (0: never);
 * --no-block (attempts -1) does not wait. The one difference: a unit the
 * engine says it cannot place ends the wait at once with the reason.
 */

export interface CtlIO {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
}

export interface WaitTiming {
  pollMs: number;
  attemptMs: number;
  clock: Clock;
}

export const FLEETCTL_TIMING: WaitTiming = { pollMs: 250, attemptMs: 2000, clock: systemClock };

export function isGlobal(unit: ApiUnit): boolean {
  return requirementsOf(unit.name, unit.options).global;
}

/** Go's time.Duration text for the whole seconds and milliseconds fleetctl uses. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export class Waiter {
  private machines: Map<string, string | undefined> | undefined;

  constructor(
    private readonly api: FleetApi,
    private readonly io: CtlIO,
    private readonly timing: WaitTiming = FLEETCTL_TIMING,
  ) {}

  /**
   * Polls `check` every pollMs until it returns true or attemptMs passed;
   * false on time-out. `check` may throw to end the wait for good.
   */
  private async attempt(check: () => Promise<boolean>): Promise<boolean> {
    const { clock, pollMs, attemptMs } = this.timing;
    const until = clock.now() + attemptMs;
    for (;;) {
      await clock.sleep(pollMs);
      if (await check().catch(rethrowFatal)) return true;
      if (clock.now() >= until) return false;
    }
  }

  /**
   * tryWaitForUnitStates: waits for every unit's current state (desired
   * state for global units), printing `Unit X <state> on <legend>`; returns
   * the first error's text, already printed, or undefined.
   */
  async unitStates(
    names: readonly string[],
    verb: string,
    want: "inactive" | "loaded" | "launched",
    attempts: number,
  ): Promise<string | undefined> {
    if (attempts < 0) {
      for (const n of names) this.io.out(`Triggered unit ${n} ${verb}`);
      return undefined;
    }
    const errors = await Promise.all(names.map((n) => this.unitState(n, want, attempts)));
    const first = errors.find((e) => e !== undefined);
    if (first) this.io.err(`Error waiting for units: ${first}`);
    return first;
  }

  private async unitState(
    name: string,
    want: "inactive" | "loaded" | "launched",
    attempts: number,
  ): Promise<string | undefined> {
    const check = async () => {
      const u = await this.api.unit(name);
      if (!u) throw new Fatal(`Unit ${name} not found`);
      if (u.unplaceable !== undefined && want !== "inactive") {
        throw new Fatal(
          `Unit ${name} cannot be placed: ${u.unplaceable}. Its desired state stays ${u.desiredState}; fleet places it when a machine fits.`,
        );
      }
      const state = isGlobal(u) ? u.desiredState : u.currentState;
      if (state !== want) return false;
      let line = `Unit ${name} ${u.currentState ?? ""}`;
      if (u.machineID) line += ` on ${await this.legend(u.machineID)}`;
      this.io.out(line);
      return true;
    };
    try {
      for (let i = 0; attempts === 0 || i < attempts; i++) if (await this.attempt(check)) return;
    } catch (err) {
      if (err instanceof Fatal) return err.message;
      throw err;
    }
    return `timed out waiting for unit ${name} to report state ${want}`;
  }

  /**
   * tryWaitForSystemdActiveState: after `start`, the init must say the unit
   * is active and loaded. Like upstream, one bounded attempt decides: a unit
   * that ran and exited (a oneshot) or restarts in a loop ends the wait.
   */
  async systemdActive(names: readonly string[], attempts: number): Promise<string | undefined> {
    if (attempts < 0) {
      for (const n of names) this.io.out(`Triggered unit ${n} start`);
      return undefined;
    }
    const errors = await Promise.all(names.map((n) => this.active(n)));
    const first = errors.find((e) => e !== undefined);
    if (first) this.io.err(`Error waiting for units: ${first}`);
    return first;
  }

  private async active(name: string): Promise<string | undefined> {
    const ok = await this.attempt(async () => {
      const unit = await this.api.unit(name);
      const state = (await this.api.unitStates()).find(
        (s) => s.name === name && (!unit?.machineID || s.machineID === unit.machineID),
      );
      return state?.systemdActiveState === "active" && state.systemdLoadState === "loaded";
    });
    return ok
      ? undefined
      : `Failed to find an active unit ${name} within ${duration(this.timing.attemptMs)}, err: Failed to find an active unit ${name}`;
  }

  async legend(id: string): Promise<string> {
    if (!this.machines?.has(id)) {
      this.machines = new Map((await this.api.machines()).map((m) => [m.id, m.primaryIP]));
    }
    return machineLegend(id, this.machines.get(id), false);
  }
}

/** An answer that ends a wait at once (the unit is gone, or cannot be placed). */
class Fatal extends Error {}

function rethrowFatal(err: unknown): boolean {
  if (err instanceof Fatal) throw err;
  // A request that failed (etcd or the API briefly away) is one failed poll, as upstream.
  return false;
}
