import type { EntryKind } from "../types.js";

/** A rule's result: an offset into the source, turned into line and column only in the report. */
export interface Finding {
  kind: EntryKind;
  offset: number;
  message: string;
  hint?: string;
}

export const warning = (offset: number, message: string, hint?: string): Finding =>
  hint === undefined
    ? { kind: "warning", offset, message }
    : { kind: "warning", offset, message, hint };
export const error = (offset: number, message: string): Finding => ({
  kind: "error",
  offset,
  message,
});
export const info = (offset: number, message: string): Finding => ({
  kind: "info",
  offset,
  message,
});
