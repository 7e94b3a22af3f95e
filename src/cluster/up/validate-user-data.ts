import { validate } from "../../cloudconfig/index.js";
import { InputError } from "../../errors/index.js";
import type { Step } from "./context.js";

/** Checks user-data first, as coreos-cloudinit would: errors stop `up`, warnings are shown. */
export const validateUserData: Step = {
  name: "validate user-data",
  async run(ctx) {
    const file = ctx.spec.userData;
    const entries = validate(ctx.userDataText).entries;
    const line = (e: (typeof entries)[number]) =>
      `${file}:${e.line}:${e.column}: ${e.kind}: ${e.message}`;
    for (const e of entries.filter((e) => e.kind === "warning")) ctx.progress.say(line(e));
    const errors = entries.filter((e) => e.kind === "error");
    if (errors.length > 0) {
      throw new InputError(
        `user-data has ${errors.length} error${errors.length > 1 ? "s" : ""}; no machine was created:\n${errors.map(line).join("\n")}`,
        { file, line: errors[0]?.line, column: errors[0]?.column },
        `check it with \`shoal validate ${file}\``,
      );
    }
  },
};
