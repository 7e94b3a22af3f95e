import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors/index.js";
import { applyPlan, writeImageFiles, writeMachineFile } from "./apply.js";
import { provision } from "./cloudinit.js";
import { serveControl } from "./control/server.js";
import type { BootState, MachineStatus } from "./control/types.js";
import { readConfigDrive } from "./datasource.js";
import { Init } from "./init/init.js";
import { Journal, readJournal } from "./init/journal.js";
import { unitDirs } from "./init/load.js";
import { GroupReaper } from "./init/reaper.js";
import { machinePaths } from "./layout.js";
import { writeMachineBin } from "./shell.js";
import { builtinUnits, type MachineContext } from "./units/index.js";

export interface AgentOptions {
  machineDir: string;
  /** The machine's `/`: machineDir/root (process provider) or `/` (namespace provider). */
  root?: string;
  /** How to run this shoal, and the commands it has (for `ExecStart=shoal fleetd`). */
  shoal: { argv: string[]; commands: string[] };
  version: string;
}

/**
 * The machine agent (`shoal machine boot`): reads the config drive, applies
 * user-data like coreos-cloudinit, runs the units, serves agent.sock, and
 * on SIGTERM or a halt request stops everything and leaves the shutdown
 * marker. Resolves with the exit code once halted.
 */
export async function runAgent(opts: AgentOptions): Promise<number> {
  const paths = machinePaths(opts.machineDir);
  const root = opts.root ?? paths.root;
  const log = (message: string) => {
    try {
      appendFileSync(
        paths.console,
        `${new Date().toISOString()} ${message.replace(/\r?\n/g, " ")}\n`,
      );
    } catch {
      // the console is best effort
    }
  };
  const drive = readConfigDrive(opts.machineDir);
  const meta = drive.meta;
  if (root === "/" && hostname() !== meta.hostname) {
    // With --root / the agent writes /etc and /run: only ever inside the machine's own namespaces.
    throw new InputError(
      `refusing to boot with --root /: this is not machine ${meta.hostname} (the hostname is ${hostname()})`,
      undefined,
      "--root / is for an agent inside the machine's own UTS and mount namespaces",
    );
  }
  rmSync(paths.shutdown, { force: true });
  writeFileSync(paths.pid, `${process.pid}\n`);
  log(`shoal machine agent ${opts.version} booting ${meta.hostname} (${meta.machineId})`);
  mkdirSync(root, { recursive: true });
  // /run is a tmpfs on a real machine: runtime units do not survive a reboot.
  rmSync(unitDirs(root).run, { recursive: true, force: true });
  writeImageFiles(root, meta, opts.version);

  const ctx: MachineContext = {
    machineDir: opts.machineDir,
    root,
    hostname: meta.hostname,
    machineId: meta.machineId,
    privateIpv4: meta.privateIpv4,
    publicIpv4: meta.publicIpv4,
    sharedNetwork: drive.sharedNetwork ?? root !== "/",
    etcd: drive.etcd,
    shoal: opts.shoal,
  };
  const journal = new Journal(paths.journal, meta.hostname);
  const unitRoot = root === "/" ? paths.root : root;
  const reaper = new GroupReaper(paths.unitGroups);
  const init = new Init({
    ctx,
    journal,
    builtins: builtinUnits,
    binDir: paths.bin,
    log,
    unitRoot,
    reaper,
  });
  ctx.etcdEndpoints = () => etcdEndpoints(init, ctx);
  let boot: BootState = "booting";
  let bootReason: string | undefined;
  let bootOver: () => void = () => {};
  const booted = new Promise<void>((resolve) => {
    bootOver = resolve;
  });
  let halting: Promise<void> | undefined;
  let server: Server | undefined;
  let done: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    done = resolve;
  });

  const halt = (why: string): Promise<void> => {
    halting ??= (async () => {
      boot = "halting";
      bootOver();
      log(`halting (${why})`);
      await init.halt();
      await reaper.close();
      await journal.close();
      server?.close();
      rmSync(paths.socket, { force: true });
      writeFileSync(paths.shutdown, `${new Date().toISOString()} ${why}\n`);
      rmSync(paths.pid, { force: true });
      log("halted");
      done(0);
    })();
    return halting;
  };
  const onSignal = (signal: NodeJS.Signals) => void halt(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const cloudinit = async () => {
    const current = readConfigDrive(opts.machineDir);
    // The machine's own commands exist whatever its user-data (etcdctl's endpoints follow apply).
    const writeBin = () =>
      writeMachineBin(opts.machineDir, opts.shoal.argv, etcdEndpoints(init, ctx));
    writeBin();
    const p = provision(current.userData, current.meta);
    for (const m of p.messages) log(`cloudinit: ${m}`);
    if (p.kind === "script") {
      const path = `/var/lib/coreos-cloudinit/scripts/${p.name}`;
      const file = writeMachineFile(root, path, p.script, 0o744);
      const unit = `coreos-cloudinit-${p.name}.service`;
      writeMachineFile(
        root,
        join(unitDirs("/").run, unit),
        `[Service]\nType=oneshot\nExecStart=/bin/bash ${file}\n`,
        0o644,
      );
      writeMachineFile(root, "/var/lib/coreos-cloudinit/scripts/unit-name", unit, 0o644);
      await init.start(unit);
      return;
    }
    if (p.kind !== "cloud-config") return;
    const applied = applyPlan(root, p.plan);
    for (const n of applied.notes) log(`cloudinit: ${n}`);
    writeBin();
    for (const { unit, command } of applied.commands) {
      if (halting) return;
      const ok = await init.command(unit, command);
      log(
        `cloudinit: ${command} ${unit}: ${ok ? "ok" : `failed (${init.unitState(unit).reason ?? "?"})`}`,
      );
    }
  };

  const status = (): MachineStatus => ({
    hostname: meta.hostname,
    machineId: meta.machineId,
    boot,
    ...(bootReason ? { reason: bootReason } : {}),
    pid: process.pid,
    pids: init.pids(),
    units: init.status(),
  });

  server = await serveControl(paths.socket, {
    handle: async (req) => {
      switch (req.op) {
        case "status":
          return status();
        case "wait-boot":
          await booted;
          return status();
        case "start":
        case "restart": {
          const ok = req.op === "start" ? await init.start(req.unit) : await init.restart(req.unit);
          if (!ok)
            throw new Error(`${req.unit}: ${init.unitState(req.unit).reason ?? "failed to start"}`);
          return undefined;
        }
        case "stop":
          await init.stop(req.unit);
          return undefined;
        case "install": {
          const dirs = unitDirs(root);
          writeMachineFile(
            "/",
            join(req.runtime ? dirs.run : dirs.etc, req.unit),
            req.content,
            0o644,
          );
          return undefined;
        }
        case "remove": {
          const dirs = unitDirs(root);
          await init.remove(req.unit);
          for (const d of [dirs.etc, dirs.run]) rmSync(join(d, req.unit), { force: true });
          return undefined;
        }
        case "reprovision":
          await cloudinit();
          return undefined;
        case "halt":
          void halt("halt requested");
          return undefined;
      }
    },
    journal: async (req, emit, closed) => {
      await journal.flush();
      for (const line of readJournal(paths.journal, req.unit, req.lines)) emit(line);
      if (!req.follow) return;
      const onLine = (unit: string, line: string) => {
        if (unit === req.unit) emit(line);
      };
      journal.on("line", onLine);
      await Promise.race([closed, finished]);
      journal.off("line", onLine);
    },
  });

  try {
    await init.startEnabled();
    await cloudinit();
    if (!halting) boot = "running";
    log(`boot finished: ${boot}`);
  } catch (err) {
    if (!halting) {
      boot = "failed";
      bootReason = (err as Error).message;
      log(`boot failed: ${bootReason}`);
    }
  }
  bootOver();
  const code = await finished;
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  return code;
}

/** Where etcdctl inside the machine should talk: its own etcd member or proxy. */
function etcdEndpoints(init: Init, ctx: MachineContext): string[] {
  for (const name of ["etcd2.service", "etcd.service"]) {
    const main = init.describeMain(name);
    if (!main || !init.hasConfig(name)) continue;
    const listen = main.argv.find((a) => a.startsWith("--listen-addr="));
    if (listen) {
      const addr = listen.slice("--listen-addr=".length);
      return [`http://${addr.replace(/^0\.0\.0\.0:/, `${ctx.privateIpv4 ?? "127.0.0.1"}:`)}`];
    }
    const urls = main.env.ETCD_ADVERTISE_CLIENT_URLS;
    if (urls) return urls.split(",").map((u) => u.trim());
  }
  return [`http://${ctx.privateIpv4 ?? "127.0.0.1"}:2379`];
}
