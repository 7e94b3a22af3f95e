import { randomBytes } from "node:crypto";
import {
  allRules,
  detectInput,
  type MachineMeta,
  type Plan,
  parseCloudConfig,
  plan,
  type Rule,
  substitute,
  validate,
} from "../cloudconfig/index.js";
import { InputError } from "../errors/index.js";

/** What one user-data asks of a machine. */
export type Provisioning =
  | { kind: "empty" | "ignition"; messages: string[] }
  | { kind: "script"; script: string; name: string; messages: string[] }
  | { kind: "cloud-config"; plan: Plan; messages: string[] };

/**
 * coreos-cloudinit's top-level flow up to apply: detect, validate (entries
 * are logged, never fatal), substitute the machine's addresses, parse,
 * plan. Throws where upstream's apply fails (unrecognized input, a plan
 * error); a parse error leaves a plan built from the metadata alone, as
 * upstream continues with it.
 */
export function provision(
  userData: Uint8Array,
  meta: MachineMeta,
  rules: readonly Rule[] = allRules,
): Provisioning {
  const { kind, text } = detectInput(userData);
  const messages = guardedValidate(text, rules);
  switch (kind) {
    case "empty":
      return { kind, messages };
    case "ignition":
      return { kind, messages: [...messages, "Detected an Ignition config. Exiting..."] };
    case "unknown":
      throw new InputError("Unrecognized user-data format");
    case "script":
      return {
        kind,
        script: substitute(text, meta),
        name: randomBytes(6).toString("hex"),
        messages,
      };
    case "cloud-config": {
      const parsed = parseCloudConfig(substitute(text, meta));
      if (parsed.error) messages.push(`Failed to parse user-data: ${parsed.error}\nContinuing...`);
      return { kind, plan: plan(parsed.config, meta), messages };
    }
  }
}

/**
 * Validation at boot only informs: like coreos-cloudinit's recover around
 * its rules, a rule that throws becomes one error entry (naming the rule)
 * and the other rules, and the boot, go on.
 */
function guardedValidate(text: string, rules: readonly Rule[]): string[] {
  const guarded = rules.map(
    (rule): Rule =>
      (root) => {
        try {
          return rule(root);
        } catch (err) {
          const name = rule.name || "(unnamed)";
          return [
            { kind: "error", offset: 0, message: `rule ${name} failed: ${(err as Error).message}` },
          ];
        }
      },
  );
  try {
    return validate(text, guarded).entries.map((e) => `line ${e.line}: ${e.kind}: ${e.message}`);
  } catch (err) {
    // Outside any rule (the parser itself): upstream logs this and applies the user-data anyway.
    return [`Failed while validating user_data: ${(err as Error).message}`];
  }
}
