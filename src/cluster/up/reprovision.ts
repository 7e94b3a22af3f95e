import { connectMachine } from "../../machine/index.js";
import { hostState } from "../providers/index.js";
import type { Step } from "./context.js";

/**
 * Has each running machine re-read its config drive and apply it, as
 * `vagrant reload --provision` meant to (coreos-cloudinit on the new file).
 */
export const reprovisionMachines: Step = {
  name: "re-apply user-data on running machines",
  async run(ctx) {
    for (const m of ctx.plan.machines) {
      if (hostState(m) !== "running") {
        ctx.progress.machine(
          m.name,
          "not running; its new user-data applies at its next boot",
          "done",
        );
        continue;
      }
      ctx.progress.machine(m.name, "Running provisioner: user-data...");
      const client = await connectMachine(m.dir);
      try {
        await client.reprovision();
      } finally {
        client.close();
      }
      ctx.progress.machine(m.name, "provisioned", "done");
    }
  },
};
