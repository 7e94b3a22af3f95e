import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { hostname } from "node:os";
import type { MachineMeta } from "../../cloudconfig/index.js";
import { InputError } from "../../errors/index.js";
import { applyPlan, writeImageFiles } from "../apply.js";
import { type BootSlot, beginBoot, bootSlot, installReleaseFiles } from "../boot-slot.js";
import { provision } from "../cloudinit.js";
import { serveControl } from "../control/server.js";
import type { BootState, MachineStatus } from "../control/types.js";
import { readConfigDrive } from "../datasource.js";
import { Init } from "../init/init.js";
import { Journal } from "../init/journal.js";
import { GroupReaper, pidNamespaceGroups } from "../init/reaper.js";
import { machinePaths, unitDirs } from "../layout.js";
import { writeMachineBin } from "../shell.js";
import { builtinUnits, type MachineContext } from "../units/index.js";
import { confirmBoot, memberHealth } from "./confirm-boot.js";
import { etcdEndpoints } from "./endpoints.js";
import { controlHandler, localUnits } from "./handlers.js";
import { REBOOT_STATUS } from "./reboot.js";
import { writeScriptUnit } from "./script-unit.js";

export interface AgentOptions {
  machineDir: string;
  /** The machine's `/`: machineDir/root (process provider) or `/` (namespace provider). */
  root?: string;
  /** The launcher laid the active slot over the machine's /usr (namespace provider). */
  slotMounted?: boolean;
  /** How to run this shoal, and the commands it has (for `ExecStart=shoal locksmithd`). */
  shoal: { argv: string[]; commands: string[] };
  version: string;
}

/**
 * The machine agent (`shoal machine boot`): reads the config drive, applies
 * user-data like coreos-cloudinit, runs the units, serves agent.sock, and
 * on SIGTERM, SIGINT or a halt request stops everything and leaves the
 * shutdown marker; on a reboot request it stops everything and asks the
 * launcher for another boot.
 *
 * A power cycle is two steps: `init.halt()` stops the units in reverse
 * order, then `powerOff` closes what the agent holds. A reboot is the
 * first step, then an exit that asks the launcher outside to boot the
 * machine again, keeping its directory.
 */
export class Agent {
  readonly paths: ReturnType<typeof machinePaths>;
  /** The machine's `/` as the agent writes it. */
  readonly root: string;
  readonly init: Init;
  readonly journal: Journal;
  /** Settles once the boot is over (running, failed, or cut short by a halt). */
  readonly booted: Promise<void>;
  /** Settles with the agent's exit code once it halted. */
  readonly finished: Promise<number>;
  private readonly meta: MachineMeta;
  private readonly ctx: MachineContext;
  /** None in a machine with its own PID namespace (reaper.ts says why). */
  private readonly reaper: GroupReaper | undefined;
  private state: BootState = "booting";
  private reason: string | undefined;
  private halting: Promise<void> | undefined;
  /** What the shutdown under way ends in. */
  private after: "halt" | "reboot" = "reboot";
  private server: Server | undefined;
  private bootOver: () => void = () => {};
  /** The slot this boot runs. */
  private slot!: BootSlot;
  /** Units cloud-config started this boot, and those whose command failed. */
  private readonly cloudStarted = new Set<string>();
  private readonly cloudFailed = new Set<string>();
  private completed: () => void = () => {};
  private done: (code: number) => void = () => {};

  constructor(private readonly opts: AgentOptions) {
    this.paths = machinePaths(opts.machineDir);
    this.root = opts.root ?? this.paths.root;
    const drive = readConfigDrive(opts.machineDir);
    this.meta = drive.meta;
    if (this.root === "/" && hostname() !== this.meta.hostname) {
      // With --root / the agent writes /etc and /run: only ever inside the machine's own namespaces.
      throw new InputError(
        `refusing to boot with --root /: this is not machine ${this.meta.hostname} (the hostname is ${hostname()})`,
        undefined,
        "--root / is for an agent inside the machine's own UTS and mount namespaces",
      );
    }
    this.booted = new Promise((resolve) => {
      this.bootOver = resolve;
    });
    this.finished = new Promise((resolve) => {
      this.done = resolve;
    });
    this.prepareRoot();
    const bins = opts.slotMounted
      ? []
      : [`${this.paths.activeSlot}/bin`, `${this.paths.activeSlot}/sbin`];
    this.ctx = {
      machineDir: opts.machineDir,
      root: this.root,
      hostname: this.meta.hostname,
      machineId: this.meta.machineId,
      privateIpv4: this.meta.privateIpv4,
      publicIpv4: this.meta.publicIpv4,
      sharedNetwork: drive.sharedNetwork ?? this.root !== "/",
      etcd: drive.etcd,
      // As update_engine's boot id: one per boot, braced.
      bootId: `{${randomUUID()}}`,
      shoal: opts.shoal,
      reboot: (why) => this.reboot(why),
      bootCompleted: new Promise((resolve) => {
        this.completed = resolve;
      }),
    };
    this.journal = new Journal(this.paths.journal, this.meta.hostname);
    // --root / with shoal's init as the parent: the machine's own namespaces (common/init.ts).
    const ownPidNamespace = this.root === "/" && process.ppid === 1;
    this.reaper = ownPidNamespace ? undefined : new GroupReaper(this.paths.unitGroups);
    this.init = new Init({
      ctx: this.ctx,
      journal: this.journal,
      builtins: builtinUnits,
      // The process provider's slot: its bin directories next on PATH, as /usr/bin would be.
      binDir: [this.paths.bin, ...bins].join(":"),
      log: (message) => this.log(message),
      // With --root / the machine's own layer is still machineDir/root.
      unitRoot: this.root === "/" ? this.paths.root : this.root,
      reaper: this.reaper ?? pidNamespaceGroups,
    });
    this.ctx.etcdEndpoints = () => etcdEndpoints(this.init, this.ctx);
    this.ctx.units = localUnits(this);
  }

  /** The agent's markers, and the image files a fresh boot starts from. */
  private prepareRoot(): void {
    rmSync(this.paths.shutdown, { force: true });
    writeFileSync(this.paths.pid, `${process.pid}\n`);
    this.log(
      `shoal machine agent ${this.opts.version} booting ${this.meta.hostname} (${this.meta.machineId})`,
    );
    mkdirSync(this.root, { recursive: true });
    // /run is a tmpfs on a real machine: runtime units do not survive a reboot.
    rmSync(unitDirs(this.root).run, { recursive: true, force: true });
    writeImageFiles(this.root, this.meta);
    this.slot = bootSlot(this.opts.machineDir, this.opts.version);
    installReleaseFiles(this.root, this.slot, Boolean(this.opts.slotMounted));
    this.log(`running ${this.slot.label} (release ${this.slot.version})`);
  }

  /** Serves agent.sock, boots, and resolves with the exit code once halted. */
  async run(): Promise<number> {
    const onSignal = (signal: NodeJS.Signals) => void this.halt(signal);
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      this.server = await serveControl(this.paths.socket, controlHandler(this));
      await this.boot();
      return await this.finished;
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  }

  /** Reaches multi-user.target, then applies user-data; the boot state says how that went. */
  async boot(): Promise<void> {
    try {
      await this.init.startEnabled();
      await this.applyUserData();
      // Last, so what they load (update-engine's code) never delays etcd's start.
      if (!this.halting) await this.init.startImageUnits();
      if (!this.halting) this.state = "running";
      this.log(`boot finished: ${this.state}`);
      if (this.state === "running") void this.confirmBoot();
    } catch (err) {
      if (!this.halting) {
        this.state = "failed";
        this.reason = (err as Error).message;
        this.log(`boot failed: ${this.reason}`);
      }
    }
    this.bootOver();
  }

  /** Stops every unit in reverse start order, then powers off. Idempotent; wins over a reboot under way. */
  halt(why: string): Promise<void> {
    this.after = "halt";
    return this.shutdown(why);
  }

  /**
   * Stops every unit in reverse start order, then exits with REBOOT_STATUS
   * so the launcher boots the machine again, its directory (etcd's data,
   * the root's layer, the journal) kept. A halt asked meanwhile wins.
   */
  reboot(why: string): Promise<void> {
    return this.shutdown(why);
  }

  private shutdown(why: string): Promise<void> {
    this.halting ??= (async () => {
      this.state = "halting";
      this.bootOver();
      this.log(`${this.after === "halt" ? "halting" : "rebooting"} (${why})`);
      await this.init.halt();
      await this.powerOff(why);
    })();
    return this.halting;
  }

  /**
   * After the units stopped: closes what the agent holds; a halt leaves the
   * shutdown marker, a reboot leaves none (the machine is not off).
   */
  private async powerOff(why: string): Promise<void> {
    await this.reaper?.close();
    await this.journal.close();
    this.server?.close();
    rmSync(this.paths.socket, { force: true });
    rmSync(this.paths.pid, { force: true });
    if (this.after === "halt") {
      writeFileSync(this.paths.shutdown, `${new Date().toISOString()} ${why}\n`);
      this.log("halted");
      this.done(0);
    } else {
      const next = beginBoot(this.opts.machineDir, this.opts.version);
      this.log(`rebooting now, into USR-${next.toUpperCase()}`);
      this.done(REBOOT_STATUS);
    }
  }

  /** Watches this boot until it completed (the slot is then good) or a trial boot gives up. */
  private confirmBoot(): Promise<void> {
    return confirmBoot({
      machineDir: this.opts.machineDir,
      version: this.opts.version,
      slot: this.slot,
      look: async () => {
        const units = new Map(this.init.status().map((u) => [u.name, u]));
        return {
          boot: this.state,
          reason: this.reason,
          started: [...this.cloudStarted].map((name) => ({
            name,
            active: units.get(name)?.active ?? "inactive",
            reason: units.get(name)?.reason,
          })),
          failedCommands: this.cloudFailed,
          etcd:
            this.ctx.etcd.role === "member"
              ? await memberHealth(this.ctx.etcdEndpoints?.() ?? [])
              : undefined,
        };
      },
      stopping: () => this.halting !== undefined,
      completed: () => this.completed(),
      reboot: (why) => void this.reboot(why),
      log: (message) => this.log(message),
    });
  }

  /**
   * coreos-cloudinit's run over the config drive's user-data: a script
   * runs as its own unit, a cloud-config is applied and its units'
   * commands run. The machine's own commands are written first, and again
   * once apply has set up etcd (etcdctl's endpoints follow it).
   */
  async applyUserData(): Promise<void> {
    const drive = readConfigDrive(this.opts.machineDir);
    this.writeBin();
    const p = provision(drive.userData, drive.meta);
    for (const m of p.messages) this.log(`cloudinit: ${m}`);
    if (p.kind === "script") {
      await this.init.start(writeScriptUnit(this.root, p));
      return;
    }
    if (p.kind !== "cloud-config") return;
    const applied = applyPlan(this.root, p.plan);
    for (const n of applied.notes) this.log(`cloudinit: ${n}`);
    this.writeBin();
    for (const { unit, command } of applied.commands) {
      if (this.halting) return;
      const ok = await this.init.command(unit, command);
      if (command !== "stop") {
        this.cloudStarted.add(unit);
        if (ok) this.cloudFailed.delete(unit);
        else this.cloudFailed.add(unit);
      }
      const how = ok ? "ok" : `failed (${this.init.unitState(unit).reason ?? "?"})`;
      this.log(`cloudinit: ${command} ${unit}: ${how}`);
    }
  }

  /** update-engine's status and new version, in the status answer's fields, while it runs. */
  private updateState(): Pick<MachineStatus, "updateStatus" | "newVersion"> {
    const state = this.ctx.updateState?.();
    if (!state) return {};
    return {
      updateStatus: state.status,
      ...(state.newVersion ? { newVersion: state.newVersion } : {}),
    };
  }

  status(): MachineStatus {
    return {
      hostname: this.meta.hostname,
      machineId: this.meta.machineId,
      boot: this.state,
      ...(this.reason ? { reason: this.reason } : {}),
      version: this.slot.version,
      slot: this.slot.label,
      ...this.updateState(),
      pid: process.pid,
      pids: this.init.pids(),
      units: this.init.status(),
    };
  }

  private writeBin(): void {
    writeMachineBin(this.opts.machineDir, this.opts.shoal.argv, etcdEndpoints(this.init, this.ctx));
  }

  /** The agent's own log: the machine's serial console. */
  private log(message: string): void {
    try {
      appendFileSync(
        this.paths.console,
        `${new Date().toISOString()} ${message.replace(/\r?\n/g, " ")}\n`,
      );
    } catch {
      // A console that cannot be written (full disk) must not stop the machine.
    }
  }
}

/** `shoal machine boot`: runs one agent until it halted; resolves with its exit code. */
export async function runAgent(opts: AgentOptions): Promise<number> {
  return new Agent(opts).run();
}
