/**
 * The exec environment of a unit's processes: the variables every process
 * gets, Environment= and EnvironmentFile=, the %-specifiers, and the main
 * process a built-in unit really runs (prepareMain).
 */
import { readFileSync } from "node:fs";
import type { MachineContext, PreparedExec } from "../units/index.js";
import {
  type ExecCommand,
  expandSpecifiers,
  parseEnvironment,
  parseEnvironmentFile,
  parseExec,
  type Specifiers,
} from "./command-line.js";
import type { LoadedUnit } from "./load.js";
import { machineFile, UnitFailure } from "./process.js";
import type { UnitSpec } from "./spec.js";

/** systemd's default PATH for unit processes. */
export const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The main process a unit runs: its argv, environment, and for Type=notify its ready line. */
export type MainExec = Omit<PreparedExec, "notes">;

export class ExecEnvironment {
  constructor(
    private readonly ctx: MachineContext,
    /** The machine's own commands (systemctl, journalctl, etcdctl), first on PATH. */
    private readonly binDir: string,
  ) {}

  /** %m, %H, %n, %N, ... for one unit. */
  specifiers(unit: string): Specifiers {
    return { machineId: this.ctx.machineId, hostname: this.ctx.hostname, unit };
  }

  /** Every variable a process of `unit` starts with. Throws UnitFailure for a missing EnvironmentFile=. */
  variables(unit: string, spec: UnitSpec): Record<string, string> {
    const env: Record<string, string> = {
      PATH: `${this.binDir}:${BASE_PATH}`,
      LANG: "C.UTF-8",
      HOSTNAME: this.ctx.hostname,
      SHOAL_MACHINE_DIR: this.ctx.machineDir,
    };
    const specs = this.specifiers(unit);
    for (const value of spec.environment)
      for (const [k, v] of parseEnvironment(expandSpecifiers(value, specs))) env[k] = v;
    for (const raw of spec.environmentFiles) {
      const optional = raw.startsWith("-");
      const path = expandSpecifiers(optional ? raw.slice(1) : raw, specs);
      const file = machineFile(this.ctx.root, path);
      if (!file) {
        if (optional) continue;
        throw new UnitFailure(`environment file ${path} not found`);
      }
      for (const [k, v] of parseEnvironmentFile(readFileSync(file, "utf8"))) env[k] = v;
    }
    return env;
  }

  /** One Exec*= line with its specifiers and $VARIABLES expanded. */
  command(unit: string, line: string, env: Record<string, string>): ExecCommand {
    return parseExec(expandSpecifiers(line, this.specifiers(unit)), env);
  }

  /**
   * The main process `line` starts: for a built-in, what its `prepare`
   * makes of it; each of its notes goes to `note`.
   */
  prepareMain(
    loaded: LoadedUnit,
    line: string,
    env: Record<string, string>,
    note: (message: string) => void = () => {},
  ): MainExec {
    const { argv } = this.command(loaded.name, line, env);
    const builtin = loaded.builtin;
    if (!builtin?.prepare) return { argv, env };
    const { notes, ...prepared } = builtin.prepare({ argv, env }, this.ctx);
    for (const n of notes) note(n);
    return prepared;
  }

  /** The main process a unit would run, worked out without running it; undefined when it has none. */
  describeMain(loaded: LoadedUnit): MainExec | undefined {
    const line = loaded.spec?.execStart[0];
    if (!loaded.spec || !line) return undefined;
    try {
      return this.prepareMain(loaded, line, this.variables(loaded.name, loaded.spec));
    } catch {
      // A unit that cannot start (a missing EnvironmentFile=, a bad line) has no main process.
      return undefined;
    }
  }
}
