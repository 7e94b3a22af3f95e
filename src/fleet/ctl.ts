import { InputError } from "../errors/index.js";
import { type ApiUnit, type FleetApi, unitText } from "./client.js";
import { type CtlIO, isGlobal, Waiter, type WaitTiming } from "./ctl-wait.js";
import { requirementsOf } from "./requirements.js";
import type { DesiredState } from "./scheduler.js";
import { parseUnitFile } from "./unit-file.js";
import { isTemplate, unitNameFromArg } from "./unit-name.js";
import { findUnit, localBody } from "./unit-source.js";

export type { CtlIO } from "./ctl-wait.js";

/**
 * fleetctl's unit commands with upstream's words and exit codes: submit,
 * load, start, stop, unload, destroy, restart, cat. Each returns the exit
 * code; a unit the engine cannot place ends a wait with the reason.
 */

export interface BlockOptions {
  /** -1: do not wait (--no-block); 0: wait forever; N: give up after N attempts of 2 s. */
  attempts?: number;
  replace?: boolean;
  timing?: WaitTiming;
}

/** Which desired states `--replace` may overwrite, per command. */
const REPLACEABLE: Record<"submit" | "load" | "start", DesiredState[]> = {
  submit: ["inactive"],
  load: ["inactive", "loaded"],
  start: ["inactive", "loaded", "launched"],
};

type CreateCmd = "submit" | "load" | "start" | "restart";

export class FleetCtl {
  constructor(
    private readonly api: FleetApi,
    private readonly io: CtlIO,
  ) {}

  async submit(args: string[], opts: BlockOptions = {}): Promise<number> {
    if (args.length === 0) return this.noUnits();
    return (await this.lazyCreate(args, "submit", opts)) ? 0 : 1;
  }

  load(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.transition(args, "loaded", "load", opts);
  }

  start(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.transition(args, "launched", "start", opts);
  }

  async stop(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.takeDown(args, "loaded", "stop", opts);
  }

  async unload(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.takeDown(args, "inactive", "unload", opts);
  }

  async destroy(args: string[]): Promise<number> {
    if (args.length === 0) return this.noUnits();
    const units = await this.findUnits(args);
    if (units.length === 0) {
      this.io.err("Units not found in registry");
      return 0;
    }
    for (const u of units) {
      // A unit destroyed meanwhile by someone else is not an error, as upstream.
      await this.api.destroyUnit(u.name);
      this.io.out(`Destroyed ${u.name}`);
    }
    return 0;
  }

  /** Stop then start each unit that runs; start those only loaded; global units are left alone. */
  async restart(args: string[], opts: BlockOptions = {}): Promise<number> {
    if (args.length === 0) return this.noUnits();
    const units = await this.findUnits(args);
    if (!(await this.lazyCreate(args, "restart", opts))) return 1;
    const waiter = new Waiter(this.api, this.io, opts.timing);
    const attempts = opts.attempts ?? 0;
    const step = async (name: string, state: "loaded" | "launched") => {
      await this.api.setTargetStates([name], state);
      const want = state === "loaded" ? "loaded" : "launched";
      const err = await waiter.unitStates([name], "restart", want, attempts);
      if (err) this.io.err(`Error waiting for unit states, exit status: ${err}`);
      return err ? 1 : 0;
    };
    for (const u of units) {
      if (isGlobal(u)) continue;
      if (u.currentState === "inactive" || u.currentState === undefined) {
        this.io.err(`Unable to restart unit ${u.name} in state inactive`);
        continue;
      }
      if (u.currentState === "launched" && (await step(u.name, "loaded")) === 1) return 1;
      if ((await step(u.name, "launched")) === 1) return 1;
    }
    return 0;
  }

  async cat(arg: string): Promise<number> {
    const name = unitNameFromArg(arg);
    const unit = await this.api.unit(name);
    if (!unit) {
      this.io.err(`Unit ${name} not found`);
      return 1;
    }
    this.io.out(unitText(unit.options).replace(/\n$/, ""));
    return 0;
  }

  /** The unit for status and journal, with upstream's refusals; undefined after saying why. */
  async loadedUnit(arg: string, what: "status" | "journal"): Promise<ApiUnit | undefined> {
    const name = unitNameFromArg(arg);
    const unit = await this.api.unit(name);
    if (!unit) {
      this.io.err(`Unit ${name} does not exist.`);
      return undefined;
    }
    if (isGlobal(unit)) {
      this.io.err(
        what === "journal"
          ? `Unable to retrieve journal of global unit ${name}.`
          : `Unit ${name} is global: run systemctl status on each machine instead.`,
      );
      return undefined;
    }
    if (unit.currentState === "inactive" || !unit.machineID) {
      this.io.err(
        `Unit ${name} does not appear to be ${what === "journal" ? "running" : "loaded"}.`,
      );
      return undefined;
    }
    return unit;
  }

  /** `fleetctl ssh`: the machine ID for --machine (a prefix), --unit, or an argument naming either. */
  async sshMachine(how: {
    machine?: string;
    unit?: string;
    arg?: string;
  }): Promise<string | undefined> {
    if (how.machine !== undefined && how.unit !== undefined) {
      this.io.err("Both machine and unit flags provided, please specify only one.");
      return undefined;
    }
    const byMachine = async (prefix: string) => {
      const found = (await this.api.machines()).filter((m) => m.id.startsWith(prefix));
      if (found.length > 1) return { error: "found more than one machine" };
      return found[0] ? { id: found[0].id } : { error: "machine does not exist" };
    };
    const byUnit = async (arg: string) => {
      const u = await this.api.unit(unitNameFromArg(arg));
      if (!u) return { error: "unit does not exist" };
      if (isGlobal(u)) return { error: "global units unsupported" };
      return u.machineID ? { id: u.machineID } : { error: "" };
    };
    let found: { id?: string; error?: string };
    if (how.machine !== undefined) found = await byMachine(how.machine);
    else if (how.unit !== undefined) found = await byUnit(how.unit);
    else if (how.arg === undefined) found = { error: "one machine or unit must be provided" };
    else {
      const [m, u] = [await byMachine(how.arg), await byUnit(how.arg)];
      if (m.id && u.id) {
        found = {
          error: `ambiguous argument, both machine and unit found for \`${how.arg}\`.\nPlease use flag \`-m\` or \`-u\` to refine the search`,
        };
      } else if (m.id || u.id) found = m.id ? m : u;
      else found = { error: "could not find matching unit or machine" };
    }
    if (found.id) return found.id;
    this.io.err(
      found.error ? `Unable to proceed: ${found.error}` : "Could not determine address of machine.",
    );
    return undefined;
  }

  private noUnits(): number {
    this.io.err("No units given");
    return 0;
  }

  /** Upstream's findUnits: the named units that exist, in the order given. */
  private async findUnits(args: string[]): Promise<ApiUnit[]> {
    const all = new Map((await this.api.units()).map((u) => [u.name, u]));
    const out: ApiUnit[] = [];
    for (const arg of args) {
      const u = all.get(unitNameFromArg(arg));
      if (u && !out.includes(u)) out.push(u);
    }
    return out;
  }

  /**
   * Upstream's lazyCreateUnits: creates what is missing (printing `Unit X
   * inactive` for each), warns about or replaces units whose local file
   * differs. False after printing `Error creating units: ...`.
   */
  private async lazyCreate(args: string[], cmd: CreateCmd, opts: BlockOptions): Promise<boolean> {
    const created: string[] = [];
    try {
      for (const arg of args) {
        const { body, inRegistry } = await findUnit(this.api, arg, this.io.cwd, (l) =>
          this.io.err(l),
        );
        if (!inRegistry) {
          await this.api.createUnit({ name: body.name, options: parseUnitFile(body.text).options });
          created.push(body.name);
          continue;
        }
        const local = await localBody(arg, this.io.cwd);
        if (!local) continue;
        if (local.hash === body.hash) {
          if (opts.replace) this.io.out(`Found same Unit(${body.name}) in Registry, nothing to do`);
          continue;
        }
        if (!opts.replace) {
          this.io.err(
            `WARNING: Unit ${body.name} in registry differs from local unit file ${local.source}. Add --replace to override.`,
          );
          continue;
        }
        const unit = await this.api.unit(body.name);
        if (cmd === "restart" || !unit || !REPLACEABLE[cmd].includes(unit.desiredState)) {
          this.io.err(
            `Warning: can not replace Unit(${body.name}) in state '${unit?.desiredState ?? "inactive"}', use the appropriate command`,
          );
          continue;
        }
        await this.api.createUnit({ name: body.name, options: parseUnitFile(local.text).options });
      }
    } catch (err) {
      const text = err instanceof InputError ? err.describe() : (err as Error).message;
      this.io.err(`Error creating units: ${text}`);
      return false;
    }
    for (const name of created) this.io.out(`Unit ${name} inactive`);
    return true;
  }

  private async transition(
    args: string[],
    desired: "loaded" | "launched",
    cmd: "load" | "start",
    opts: BlockOptions,
  ): Promise<number> {
    if (args.length === 0) return this.noUnits();
    if (!(await this.lazyCreate(args, cmd, opts))) return 1;
    const verb = cmd === "load" ? "loading" : "starting";
    const triggered: ApiUnit[] = [];
    for (const name of [...new Set(args.map(unitNameFromArg))]) {
      const u = await this.api.unit(name);
      if (!u) {
        this.io.err(`Error ${verb} units: unable to find unit ${name}`);
        return 1;
      }
      if (isTemplate(name)) {
        this.io.err(`Error ${verb} units: cannot activate template "${name}"`);
        return 1;
      }
      if (u.desiredState !== desired) triggered.push(u);
    }
    await this.api.setTargetStates(peersFirst(triggered), desired);
    const waiting: string[] = [];
    for (const u of triggered) {
      if (isGlobal(u)) this.io.out(`Triggered global unit ${u.name} ${cmd}`);
      else waiting.push(u.name);
    }
    const attempts = opts.attempts ?? 0;
    const waiter = new Waiter(this.api, this.io, opts.timing);
    const err = await waiter.unitStates(waiting, cmd, desired, attempts);
    if (err) {
      this.io.err(`Error waiting for unit states, exit status: ${err}`);
      return 1;
    }
    if (cmd === "start") {
      const active = await waiter.systemdActive(waiting, attempts);
      if (active) {
        this.io.err(`Error waiting for systemd unit states, err: ${active}`);
        return 1;
      }
    }
    return 0;
  }

  /** stop and unload. */
  private async takeDown(
    args: string[],
    desired: "loaded" | "inactive",
    cmd: "stop" | "unload",
    opts: BlockOptions,
  ): Promise<number> {
    if (args.length === 0) return this.noUnits();
    const units = await this.findUnits(args);
    if (units.length === 0) {
      this.io.err("Units not found in registry");
      return 0;
    }
    const waiting: string[] = [];
    for (const u of units) {
      const global = isGlobal(u);
      if (!global && cmd === "stop" && u.currentState === "inactive") {
        this.io.err(`Unable to stop unit ${u.name} in state inactive`);
        return 1;
      }
      if (!global && u.currentState === desired) continue;
      await this.api.setTargetStates([u.name], desired);
      if (global) this.io.out(`Triggered global unit ${u.name} ${cmd}`);
      else waiting.push(u.name);
    }
    const waiter = new Waiter(this.api, this.io, opts.timing);
    const err = await waiter.unitStates(waiting, cmd, desired, opts.attempts ?? 0);
    const past = cmd === "stop" ? "stopped" : "unloaded";
    if (err) {
      this.io.err(`Failed to ${cmd} units [${waiting.join(" ")}]. err: ${err}`);
      return 1;
    }
    this.io.err(`Successfully ${past} units [${waiting.join(" ")}].`);
    return 0;
  }
}

/** Orders units so a MachineOf follower comes after the peers it names. */
function peersFirst(units: readonly ApiUnit[]): string[] {
  const names = new Set(units.map((u) => u.name));
  const peers = new Map(
    units.map((u) => [
      u.name,
      requirementsOf(u.name, u.options).machineOf.filter((p) => names.has(p)),
    ]),
  );
  const out: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (out.includes(name) || path.has(name)) return;
    path.add(name);
    for (const p of peers.get(name) ?? []) visit(p, path);
    out.push(name);
  };
  for (const u of units) visit(u.name, new Set());
  return out;
}
