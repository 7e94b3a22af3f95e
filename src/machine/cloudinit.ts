import { randomBytes } from "node:crypto";
import type { MachineMeta, Plan } from "./contract.js";
import {
  detectInput,
  parseCloudConfig,
  plan,
  substitute,
  validate,
} from "./interim-cloudconfig.js";

/** What one user-data asks of a machine. */
export type Provisioning =
  | { kind: "empty" | "ignition"; messages: string[] }
  | { kind: "script"; script: string; name: string; messages: string[] }
  | { kind: "cloud-config"; plan: Plan; messages: string[] };

/**
 * coreos-cloudinit's top-level flow (cloud-config.md §8.1) up to apply:
 * detect, validate (entries are logged, never fatal), substitute the
 * machine's addresses, parse, plan. Unrecognized input throws.
 */
export function provision(userData: Uint8Array, meta: MachineMeta): Provisioning {
  const { kind, text } = detectInput(userData);
  const messages = validate(userData).entries.map((e) => `line ${e.line}: ${e.kind}: ${e.message}`);
  switch (kind) {
    case "empty":
      return { kind, messages };
    case "ignition":
      return { kind, messages: [...messages, "Detected an Ignition config. Exiting..."] };
    case "script":
      return {
        kind,
        script: substitute(text, meta),
        name: randomBytes(6).toString("hex"),
        messages,
      };
    case "cloud-config": {
      const parsed = parseCloudConfig(substitute(text, meta));
      for (const e of parsed.report.entries)
        messages.push(`line ${e.line}: ${e.kind}: ${e.message}`);
      return { kind, plan: plan(parsed.config, meta), messages };
    }
  }
}
