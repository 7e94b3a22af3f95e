import { expect, it } from "vitest";
import { type Rule, validate } from "../../../src/cloudconfig/index.js";

export interface Want {
  kind: "error" | "warning" | "info";
  line: number;
  column: number;
  message?: string;
  hint?: string;
}

/** [the YAML after the `#cloud-config` line (line 1), the entries it gives]. */
export type Case = [input: string, entries: Want[]];

/**
 * One rule alone over a table of inputs, as coreos-cloudinit's rules_test.go
 * does. Kind and position always count; message and hint where the case gives them.
 */
export function ruleTable(rule: Rule, cases: Case[]): void {
  it.each(cases)("%j", (input, entries) => {
    const got = validate(`#cloud-config\n${input}`, [rule]).entries.map((e, i) => {
      const want = entries[i];
      return {
        kind: e.kind,
        line: e.line,
        column: e.column,
        ...(want?.message === undefined ? {} : { message: e.message }),
        ...(want?.hint === undefined ? {} : { hint: e.hint }),
      };
    });
    expect(got).toEqual(entries);
  });
}

export const warning = (line: number, column: number, message?: string, hint?: string): Want => ({
  kind: "warning",
  line,
  column,
  ...(message === undefined ? {} : { message }),
  ...(hint === undefined ? {} : { hint }),
});
export const error = (line: number, column: number, message?: string): Want => ({
  kind: "error",
  line,
  column,
  ...(message === undefined ? {} : { message }),
});
