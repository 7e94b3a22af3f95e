import { InputError } from "../../errors/index.js";
import { detectInput } from "../detect.js";
import { type Parsed, parseYaml } from "../parse.js";
import type { Entry, Report } from "../types.js";
import type { Finding } from "./finding.js";
import { allRules, type Rule } from "./rules/index.js";

export type { Rule } from "./rules/index.js";
export { allRules } from "./rules/index.js";

const NOT_CLOUD_CONFIG = 'must be "#cloud-config" or begin with "#!"';

/** Never throws on bad input: every problem is an entry, at line 1 when it has no place. */
export function validate(input: string | Uint8Array, rules: readonly Rule[] = allRules): Report {
  let detected: ReturnType<typeof detectInput>;
  try {
    detected = detectInput(input);
  } catch (err) {
    if (err instanceof InputError) return { entries: [at1(err.message)] };
    throw err;
  }
  if (detected.kind === "unknown") return { entries: [at1(NOT_CLOUD_CONFIG)] };
  if (detected.kind !== "cloud-config") return { entries: [] };
  return validateParsed(parseYaml(detected.text), rules);
}

/**
 * The rules over an already parsed document. After a YAML syntax error only
 * that error is reported (upstream stops there too), at its true position.
 */
export function validateParsed(parsed: Parsed, rules: readonly Rule[] = allRules): Report {
  const first = parsed.problems[0];
  const findings: Finding[] = first
    ? [{ kind: "error", offset: first.offset, message: first.message }]
    : parsed.root
      ? rules.flatMap((rule) => rule(parsed.root as NonNullable<Parsed["root"]>))
      : [];
  return {
    entries: findings.map((f) => {
      const { line, col } = parsed.lineCounter.linePos(f.offset);
      const entry: Entry = {
        kind: f.kind,
        line,
        column: col,
        message: f.message,
      };
      if (f.hint !== undefined) entry.hint = f.hint;
      return entry;
    }),
  };
}

function at1(message: string): Entry {
  return { kind: "error", line: 1, column: 1, message };
}
