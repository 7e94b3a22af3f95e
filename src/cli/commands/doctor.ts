import { Command, Option } from "commander";
import {
  applyFix,
  type CheckResult,
  doctorEnvFor,
  fixPlanFor,
  healthy,
  runChecks,
} from "../../doctor/index.js";
import { CommandError } from "../../host/index.js";
import { type IO, type OutputFormat, writeJson } from "../io.js";

const MARK = { ok: "ok", warn: "warn", fail: "FAIL" } as const;

export function doctorCommand(io: IO, setExit: (code: number) => void): Command {
  return new Command("doctor")
    .description("check what a cluster needs on this host, and say what to do about each gap")
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["table", "json"])
        .default("table"),
    )
    .option(
      "--fix",
      "install what is missing (Debian/Ubuntu packages, as root); print the command otherwise",
    )
    .action(async (opts: { output: OutputFormat; fix?: boolean }) => {
      const env = doctorEnvFor(io.cwd, io.env);
      let results = await runChecks(env);
      if (opts.fix) {
        const plan = fixPlanFor(results, env);
        // Progress of the fix goes to stderr so `-o json` stays parseable.
        if (plan.kind === "run") {
          io.stderr.write(`installing ${plan.packages.join(" ")}\n`);
          try {
            await applyFix(plan, io.stderr);
          } catch (err) {
            if (!(err instanceof CommandError)) throw err;
            io.stderr.write(`shoal: the install failed: ${err.message}\n`);
          }
          results = await runChecks(env);
        } else if (plan.kind === "tell") {
          io.stderr.write(
            `shoal cannot install ${plan.packages.join(" ")} here; ${plan.message}\n`,
          );
        }
      }
      const ok = healthy(results);
      if (opts.output === "json") writeJson(io, { ok, checks: results });
      else io.stdout.write(renderTable(results, ok));
      setExit(ok ? 0 : 1);
    });
}

function renderTable(results: readonly CheckResult[], ok: boolean): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const line = `${MARK[r.status].padEnd(5)} ${r.name.padEnd(width)}  ${r.detail}`;
    return r.fix && r.status !== "ok" ? `${line}\n${" ".repeat(width + 8)}fix: ${r.fix}` : line;
  });
  const failed = results.filter((r) => r.required && r.status !== "ok").map((r) => r.name);
  const summary = ok
    ? "All required checks passed."
    : `${failed.length} required check${failed.length > 1 ? "s" : ""} failed: ${failed.join(", ")}.`;
  return `${lines.join("\n")}\n\n${summary}\n`;
}
