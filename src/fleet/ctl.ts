import { UsageError } from "../errors/index.js";
import { machineLegend } from "./format.js";
import { currentState, type JobRecord, type MachineRecord, type Registry } from "./registry.js";
import { requirementsOf } from "./requirements.js";
import type { DesiredState } from "./scheduler.js";
import { parseUnitFile } from "./unit-file.js";
import { isTemplate, unitNameFromArg } from "./unit-name.js";
import { findUnit, localBody, type UnitBody } from "./unit-source.js";

/**
 * fleetctl's unit commands on the registry: submit, load, start, stop,
 * unload, destroy, cat. They block as upstream does (250 ms polls, 2 s
 * per attempt, --block-attempts), but a unit the engine cannot place ends
 * the wait at once with the engine's reason instead of hanging (#559).
 */

export interface CtlIO {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
}

export interface BlockOptions {
  noBlock?: boolean;
  /** 0 = wait forever. */
  blockAttempts?: number;
  replace?: boolean;
  /** Poll interval and attempt length; fleetctl's are 250 ms and 2 s. */
  pollMs?: number;
  attemptMs?: number;
}

/** Which desired states `--replace` may overwrite, per command (A.3). */
const REPLACEABLE: Record<"submit" | "load" | "start", DesiredState[]> = {
  submit: ["inactive"],
  load: ["inactive", "loaded"],
  start: ["inactive", "loaded", "launched"],
};

export class FleetCtl {
  constructor(
    private readonly registry: Registry,
    private readonly io: CtlIO,
  ) {}

  /** Uploads each unit (desired state inactive) unless present; returns the exit code. */
  async submit(args: string[], opts: BlockOptions = {}): Promise<number> {
    for (const arg of args) await this.ensure(arg, "submit", opts);
    for (const arg of args) this.io.out(`Unit ${unitNameFromArg(arg)} inactive`);
    return 0;
  }

  async load(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.transition(args, "loaded", "load", opts);
  }

  async start(args: string[], opts: BlockOptions = {}): Promise<number> {
    return this.transition(args, "launched", "start", opts);
  }

  async stop(args: string[], opts: BlockOptions = {}): Promise<number> {
    const names = args.map(unitNameFromArg);
    const acted: JobRecord[] = [];
    for (const name of names) {
      const job = await this.registry.job(name);
      if (!job) {
        this.io.err(`Unit ${name} does not exist.`);
        return 1;
      }
      const state = job.target ? currentState(job, await this.registry.statesOf(name)) : "inactive";
      if (job.desired === "inactive" || (state === "inactive" && !(await this.isGlobal(job)))) {
        this.io.err(`Unable to stop unit ${name} in state inactive`);
        return 1;
      }
      if (job.desired === "loaded") continue;
      await this.registry.setDesired(name, "loaded");
      acted.push(job);
    }
    const code = await this.waitAll(
      acted.map((j) => j.name),
      "loaded",
      "stop",
      opts,
    );
    if (code === 0)
      this.io.err(`Successfully stopped units [${acted.map((j) => j.name).join(" ")}].`);
    return code;
  }

  async unload(args: string[], opts: BlockOptions = {}): Promise<number> {
    const names = args.map(unitNameFromArg);
    const acted: string[] = [];
    for (const name of names) {
      const job = await this.registry.job(name);
      if (!job) {
        this.io.err(`Unit ${name} does not exist.`);
        return 1;
      }
      if (job.desired === "inactive") continue;
      await this.registry.setDesired(name, "inactive");
      acted.push(name);
    }
    const code = await this.waitAll(acted, "inactive", "unload", opts);
    if (code === 0) this.io.err(`Successfully unloaded units [${acted.join(" ")}].`);
    return code;
  }

  async destroy(args: string[]): Promise<number> {
    let found = 0;
    for (const name of args.map(unitNameFromArg)) {
      if (await this.registry.destroyJob(name)) {
        found += 1;
        this.io.out(`Destroyed ${name}`);
      }
    }
    if (found === 0) this.io.err("Units not found in registry");
    return 0;
  }

  async cat(arg: string): Promise<number> {
    const name = unitNameFromArg(arg);
    const job = await this.registry.job(name);
    const text = job && (await this.registry.unitText(job.hash));
    if (text === undefined || text === "" || !job) {
      this.io.err(`Unit ${name} not found`);
      return 1;
    }
    this.io.out(text.replace(/\n$/, ""));
    return 0;
  }

  /**
   * The machine of a loaded unit (status, journal), with upstream's
   * refusals; undefined after printing why.
   */
  async unitMachine(arg: string, what: "status" | "journal"): Promise<Located | undefined> {
    const name = unitNameFromArg(arg);
    const job = await this.registry.job(name);
    if (!job) {
      this.io.err(`Unit ${name} does not exist.`);
      return undefined;
    }
    if (await this.isGlobal(job)) {
      this.io.err(`Unable to get ${what} of global unit ${name}: run it on each machine instead.`);
      return undefined;
    }
    const state = currentState(job, await this.registry.statesOf(name));
    if (!job.target || state === "inactive") {
      this.io.err(`Unit ${name} does not appear to be loaded.`);
      return undefined;
    }
    return this.machineOf(job.target, name);
  }

  /** `fleetctl ssh ARG`: a machine by ID prefix or a unit by name; both is ambiguous. */
  async sshTarget(arg: string): Promise<Located | undefined> {
    const machines = (await this.registry.machines()).filter((m) => m.id.startsWith(arg));
    const job = await this.registry.job(unitNameFromArg(arg));
    if (machines.length > 0 && job) {
      this.io.err(`Error: ambiguous argument "${arg}": it names a machine and a unit`);
      return undefined;
    }
    if (machines.length > 1) {
      this.io.err(`Error: ambiguous argument "${arg}": it matches ${machines.length} machines`);
      return undefined;
    }
    const m = machines[0];
    if (m) return this.machineOf(m.id);
    if (!job) {
      this.io.err(`Error: could not find a machine or unit named "${arg}"`);
      return undefined;
    }
    if (await this.isGlobal(job)) {
      this.io.err("Error: global units are not supported by ssh; give a machine instead");
      return undefined;
    }
    if (!job.target) {
      this.io.err(`Unit ${job.name} does not appear to be loaded.`);
      return undefined;
    }
    return this.machineOf(job.target, job.name);
  }

  private async machineOf(id: string, unit?: string): Promise<Located | undefined> {
    const m = (await this.registry.machines()).find((x) => x.id === id);
    if (!m?.hostname) {
      this.io.err(`Machine ${id} is not reachable: it is gone, or its fleetd did not say its name`);
      return undefined;
    }
    return { machineId: id, hostname: m.hostname, ...(unit ? { unit } : {}) };
  }

  /** Global units have no current state: fleetctl does not wait for them. */
  private async isGlobal(job: JobRecord): Promise<boolean> {
    const text = (await this.registry.unitText(job.hash)) ?? "";
    return requirementsOf(job.name, parseUnitFile(text).options).global;
  }

  /** Submits the unit if needed, or replaces it where --replace allows; returns its name. */
  private async ensure(
    arg: string,
    cmd: "submit" | "load" | "start",
    opts: BlockOptions,
  ): Promise<string> {
    const { body, inRegistry } = await findUnit(this.registry, arg, this.io.cwd, (l) =>
      this.io.err(l),
    );
    if (!inRegistry) {
      if (cmd !== "submit" && isTemplate(body.name)) {
        throw new UsageError(`Unable to ${cmd} unit ${body.name}: cannot activate template`);
      }
      await this.registry.createJob(body.name, body.text, body.hash, "inactive");
      return body.name;
    }
    const local = await localBody(arg, this.io.cwd);
    if (local && local.hash !== body.hash) await this.differs(body, local, cmd, opts);
    return body.name;
  }

  private async differs(
    registered: UnitBody,
    local: UnitBody,
    cmd: "submit" | "load" | "start",
    opts: BlockOptions,
  ) {
    const job = await this.registry.job(registered.name);
    if (!opts.replace || !job || !REPLACEABLE[cmd].includes(job.desired)) {
      this.io.err(
        `WARNING: Unit ${registered.name} in registry differs from local unit file ${local.source}. Add --replace to override.`,
      );
      return;
    }
    await this.registry.replaceJob(registered.name, local.text, local.hash);
  }

  private async transition(
    args: string[],
    desired: "loaded" | "launched",
    cmd: "load" | "start",
    opts: BlockOptions,
  ): Promise<number> {
    const names: string[] = [];
    for (const arg of args) names.push(await this.ensure(arg, cmd, opts));
    for (const name of names) {
      if (isTemplate(name))
        throw new UsageError(`Unable to ${cmd} unit ${name}: cannot activate template`);
      await this.registry.setDesired(name, desired);
    }
    return this.waitAll(names, desired, cmd, opts);
  }

  /** Waits for each unit's current state, printing upstream's lines; 1 when one cannot get there. */
  private async waitAll(
    names: string[],
    want: "inactive" | "loaded" | "launched",
    cmd: string,
    opts: BlockOptions,
  ): Promise<number> {
    if (opts.noBlock) {
      for (const n of names) this.io.out(`Triggered unit ${n} ${cmd}`);
      return 0;
    }
    const pollMs = opts.pollMs ?? 250;
    const attemptMs = opts.attemptMs ?? 2000;
    const attempts = opts.blockAttempts ?? 0;
    const deadline = attempts > 0 ? Date.now() + attempts * attemptMs : Number.POSITIVE_INFINITY;
    let code = 0;
    for (const name of names) {
      const job = await this.registry.job(name);
      if (job && (await this.isGlobal(job))) {
        this.io.out(`Triggered global unit ${name} ${cmd}`);
        continue;
      }
      const result = await this.waitOne(name, want, pollMs, deadline);
      if (result.ok) this.io.out(result.line);
      else {
        this.io.err(result.line);
        code = 1;
      }
    }
    return code;
  }

  private async waitOne(
    name: string,
    want: "inactive" | "loaded" | "launched",
    pollMs: number,
    deadline: number,
  ): Promise<{ ok: boolean; line: string }> {
    let last = "inactive";
    for (;;) {
      const job = await this.registry.job(name);
      if (!job) return { ok: false, line: `Unit ${name} was destroyed while waiting for it` };
      const states = job.target ? await this.registry.statesOf(name) : [];
      last = currentState(job, states);
      if (job.unplaceable !== undefined && !job.target && want !== "inactive") {
        return {
          ok: false,
          line: `Unit ${name} cannot be placed: ${job.unplaceable}. Its desired state stays ${job.desired}; fleet places it when a machine fits.`,
        };
      }
      if (last === want) {
        if (want === "inactive") return { ok: true, line: `Unit ${name} inactive` };
        const own = states.find((s) => s.machineId === job.target);
        // start also waits for systemd to say active, and reports a failed start.
        if (want === "launched" && own?.active === "failed") {
          return {
            ok: false,
            line: `Unit ${name} failed to start on ${await this.legend(job.target)}`,
          };
        }
        if (want !== "launched" || own?.active === "active") {
          return { ok: true, line: `Unit ${name} ${want} on ${await this.legend(job.target)}` };
        }
      }
      if (Date.now() + pollMs > deadline) {
        return { ok: false, line: `Unit ${name} did not reach state ${want} (it is ${last})` };
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private machineCache: MachineRecord[] | undefined;

  private async legend(id: string | undefined): Promise<string> {
    if (!id) return "-";
    this.machineCache ??= await this.registry.machines();
    let m = this.machineCache.find((x) => x.id === id);
    if (!m) {
      this.machineCache = await this.registry.machines();
      m = this.machineCache.find((x) => x.id === id);
    }
    return machineLegend(id, m?.publicIp, false);
  }
}

/** Where `status`, `journal` and `ssh` go: the machine a unit runs on, or a machine by ID prefix. */
export interface Located {
  machineId: string;
  hostname: string;
  unit?: string;
}
