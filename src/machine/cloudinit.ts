import { randomBytes } from "node:crypto";
import {
  detectInput,
  type MachineMeta,
  type Plan,
  parseCloudConfig,
  plan,
  substitute,
  validate,
} from "../cloudconfig/index.js";

/** What one user-data asks of a machine. */
export type Provisioning =
  | { kind: "empty" | "ignition"; messages: string[] }
  | { kind: "script"; script: string; name: string; messages: string[] }
  | { kind: "cloud-config"; plan: Plan; messages: string[] };

/**
 * coreos-cloudinit's top-level flow (cloud-config.md §8.1) up to apply:
 * detect, validate (entries are logged, never fatal), substitute the
 * machine's addresses, parse, plan. Throws where upstream's apply fails
 * (unrecognized input, a plan error); a parse error leaves a plan built
 * from the metadata alone, as upstream continues with it.
 */
export function provision(userData: Uint8Array, meta: MachineMeta): Provisioning {
  const { kind, text } = detectInput(userData);
  const messages = validate(text).entries.map((e) => `line ${e.line}: ${e.kind}: ${e.message}`);
  switch (kind) {
    case "empty":
      return { kind, messages };
    case "ignition":
      return { kind, messages: [...messages, "Detected an Ignition config. Exiting..."] };
    case "unknown":
      throw new Error("Unrecognized user-data format");
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
