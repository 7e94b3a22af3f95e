import { Command, Option } from "commander";
import { PROVIDER_CHOICES, type ProviderChoice, progressFor, up } from "../../cluster/index.js";
import { applyFix, defaultDoctorEnv, fixPlanFor, runChecks } from "../../doctor/index.js";
import { ShoalError } from "../../errors/index.js";
import { which } from "../../host/index.js";
import type { IO } from "../io.js";
import { durationFlag } from "./options.js";

export function upCommand(io: IO): Command {
  return new Command("up")
    .description("create and boot the machines, and wait until etcd is healthy")
    .argument("[names...]", "only these machines")
    .addOption(
      new Option("--provider <provider>", "how machines are made").choices(PROVIDER_CHOICES),
    )
    .option("--no-wait", "return once the machines are started")
    .option(
      "--timeout <duration>",
      "how long to wait for a healthy cluster",
      durationFlag("--timeout"),
      120_000,
    )
    .option("--retain", "keep what a failed up created, for debugging")
    .action(
      async (
        names: string[],
        opts: {
          provider?: ProviderChoice;
          wait: boolean;
          timeout: number;
          retain?: boolean;
        },
      ) => {
        const result = await up({
          dir: io.cwd,
          env: io.env,
          progress: progressFor(io.stdout),
          names,
          ...(opts.provider ? { provider: opts.provider } : {}),
          wait: opts.wait && { timeoutMs: opts.timeout },
          retain: Boolean(opts.retain),
          signal: io.interrupts(),
          ensureTools: (say) => ensureEtcd(io, say),
        });
        if (!opts.wait) {
          io.stdout.write(
            `Started ${result.machines.length} machines; \`shoal status\` shows how they are doing.\n`,
          );
        }
      },
    );
}

/** `shoal doctor --fix` when etcd or etcdctl is missing, as `vagrant up` fetched its box. */
async function ensureEtcd(io: IO, say: (line: string) => void): Promise<void> {
  const env = io.env;
  if (which("etcd", env.PATH) && which("etcdctl", env.PATH)) return;
  const doctorEnv = defaultDoctorEnv(env);
  const results = (await runChecks(doctorEnv)).filter(
    (r) => r.name === "etcd" || r.name === "etcdctl",
  );
  const plan = fixPlanFor(results, doctorEnv);
  if (plan.kind === "nothing") return;
  if (plan.kind === "tell") {
    throw new ShoalError(
      `etcd is missing and shoal cannot install ${plan.packages.join(" ")} here; ${plan.message}`,
    );
  }
  say(`etcd is missing: installing ${plan.packages.join(" ")} (shoal doctor --fix)`);
  await applyFix(plan, io.stdout);
}
