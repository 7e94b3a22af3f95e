import { Command, Option } from "commander";
import { UsageError } from "../../errors/index.js";
import { parseCount, shoalArgv } from "../../host/index.js";
import type { MachineClient, MachineStatus, UnitState } from "../../machine/index.js";
import type { IO } from "../io.js";
import { packageVersion } from "../version.js";
import { COMMANDS } from "./index.js";

function machineDir(io: IO, dir: string | undefined): string {
  const d = dir ?? io.env.SHOAL_MACHINE_DIR;
  if (!d) throw new UsageError("no machine: give --dir or set SHOAL_MACHINE_DIR");
  return d;
}

// Loaded on use, so the other commands do not load the machine's init.
const load = () => import("../../machine/index.js");
const connect = async (dir: string) => (await load()).connectMachine(dir);

/** `shoal machine ...`: the agent, and the commands a machine's shell has. */
export function machineCommand(io: IO, setExit: (code: number) => void): Command {
  const machine = new Command("machine").description("inside one machine: the agent and its tools");
  const dirOption = () =>
    new Option("--dir <dir>", "the machine directory (default $SHOAL_MACHINE_DIR)");

  machine
    .command("boot")
    .description("boot a machine: apply its user-data, run its units, serve agent.sock")
    .requiredOption("--dir <dir>", "the machine directory")
    .option("--root <root>", "the machine's / (default DIR/root)")
    .option("--slot-mounted", "the launcher laid the active /usr slot over the machine's /usr")
    .action(async (opts: { dir: string; root?: string; slotMounted?: boolean }) => {
      const commands = Object.keys(COMMANDS);
      setExit(
        await (await load()).runAgent({
          machineDir: opts.dir,
          root: opts.root,
          slotMounted: opts.slotMounted,
          shoal: { argv: shoalArgv(), commands },
          version: packageVersion(),
        }),
      );
    });

  const systemctl = machine.command("systemctl").description("control the machine's units");
  // systemctl's display flags, accepted so habits work; output is never paged.
  const displayFlags = (c: Command) =>
    c.option("--no-pager", "(accepted; shoal never pages)").option("-l, --full", "(accepted)");
  displayFlags(systemctl.command("list-units", { isDefault: true }))
    .addOption(dirOption())
    .option("--all", "also units that are not loaded")
    .action(async (opts: { dir?: string; all?: boolean }) => {
      const client = await connect(machineDir(io, opts.dir));
      const status = await client.status();
      io.stdout.write(renderUnits(status, Boolean(opts.all)));
    });
  displayFlags(systemctl.command("status"))
    .argument("<unit...>")
    .addOption(dirOption())
    .action(async (units: string[], opts: { dir?: string }) => {
      const client = await connect(machineDir(io, opts.dir));
      const status = await client.status();
      let code = 0;
      for (const name of units.map(withSuffix)) {
        const u = status.units.find((x) => x.name === name);
        if (!u || (u.load === "not-found" && u.active === "inactive")) {
          io.stderr.write(`Unit ${name} could not be found.\n`);
          code = 4;
          continue;
        }
        io.stdout.write(await renderStatus(client, u));
        if (u.active !== "active" && code === 0) code = 3;
      }
      setExit(code);
    });
  for (const verb of ["start", "stop", "restart"] as const) {
    systemctl
      .command(verb)
      .argument("<unit...>")
      .addOption(dirOption())
      .action(async (units: string[], opts: { dir?: string }) => {
        const client = await connect(machineDir(io, opts.dir));
        let code = 0;
        for (const name of units.map(withSuffix)) {
          try {
            await client[verb](name);
          } catch (err) {
            io.stderr.write(
              `Job for ${name} failed: ${(err as Error).message}\nSee "journalctl -u ${name}" for details.\n`,
            );
            code = 1;
          }
        }
        setExit(code);
      });
  }

  // systemd's power verbs: the agent answers at once, the shutdown follows (as logind's).
  for (const verb of ["reboot", "poweroff", "halt"] as const) {
    systemctl
      .command(verb)
      .description(
        verb === "reboot" ? "stop every unit, then boot again" : "stop every unit, then power off",
      )
      .addOption(dirOption())
      .action(async (opts: { dir?: string }) => {
        const client = await connect(machineDir(io, opts.dir));
        await (verb === "reboot" ? client.reboot() : client.halt());
      });
  }

  machine
    .command("journalctl")
    .description("show a unit's journal")
    .addOption(dirOption())
    .requiredOption("-u, --unit <unit>", "the unit")
    .option("-f, --follow", "keep printing new records")
    .option("--no-pager", "(accepted; shoal never pages)")
    .option("-n, --lines <n>", "only the last N records", (v) => parseCount(v, "-n", 0))
    .action(async (opts: { dir?: string; unit: string; follow?: boolean; lines?: number }) => {
      const client = await connect(machineDir(io, opts.dir));
      const lines = opts.lines ?? (opts.follow ? 10 : undefined);
      for await (const line of client.journal(withSuffix(opts.unit), {
        lines,
        follow: opts.follow,
      })) {
        io.stdout.write(`${line}\n`);
      }
    });
  return machine;
}

function withSuffix(name: string): string {
  return /\.[a-z]+$/.test(name) ? name : `${name}.service`;
}

function renderUnits(status: MachineStatus, all: boolean): string {
  const units = status.units.filter((u) => all || u.active !== "inactive" || u.load !== "loaded");
  const width = Math.max(4, ...units.map((u) => u.name.length));
  const head = `${"UNIT".padEnd(width)} LOAD      ACTIVE   SUB          DESCRIPTION`;
  const rows = units.map(
    (u) =>
      `${u.name.padEnd(width)} ${u.load.padEnd(9)} ${u.active.padEnd(8)} ${u.sub.padEnd(12)} ${u.reason ?? u.description ?? ""}`,
  );
  return `${[head, ...rows].join("\n")}\n\n${units.length} loaded units listed.\n`;
}

async function renderStatus(
  client: MachineClient,
  u: UnitState & { mainPid?: number },
): Promise<string> {
  const dot = u.active === "active" ? "●" : u.active === "failed" ? "×" : "○";
  const lines = [
    `${dot} ${u.name}${u.description ? ` - ${u.description}` : ""}`,
    `     Loaded: ${u.load}`,
    `     Active: ${u.active} (${u.sub})`,
  ];
  if (u.mainPid) lines.push(`   Main PID: ${u.mainPid}`);
  if (u.reason) lines.push(`     Reason: ${u.reason}`);
  lines.push("");
  for await (const line of client.journal(u.name, { lines: 10 })) lines.push(line);
  return `${lines.join("\n")}\n`;
}
