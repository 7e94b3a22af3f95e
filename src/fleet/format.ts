/**
 * fleetctl's tables: Go's tabwriter with padchar TAB (minwidth 0,
 * tabwidth 8, padding 1), upper-cased field names as the header, short
 * machine IDs, and `-` for missing values.
 */

import { tabwrite } from "../host/index.js";

/** Pads every cell but the last of each row with tabs to 8-column stops, as tabwriter does. */
export function tabulate(rows: readonly (readonly string[])[]): string {
  return tabwrite(rows.map((r) => `${r.join("\t")}\n`).join(""));
}

/** First 8 characters and `...`, or the whole ID with --full; short IDs stay as they are. */
export function displayId(id: string, full: boolean): string {
  return full || id.length <= 8 ? id : `${id.slice(0, 8)}...`;
}

/** `<id>.../<PublicIP>`, without `/IP` when the IP is unknown. */
export function machineLegend(id: string, publicIp: string | undefined, full: boolean): string {
  const shown = displayId(id, full);
  return publicIp ? `${shown}/${publicIp}` : shown;
}

export function metadataText(metadata: Readonly<Record<string, string>>): string {
  const keys = Object.keys(metadata).sort();
  return keys.length ? keys.map((k) => `${k}=${metadata[k]}`).join(",") : "-";
}

export interface Table<Row> {
  /** Every field the command knows, with how to print it. */
  fields: Record<string, (row: Row, full: boolean) => string>;
  defaults: readonly string[];
}

/**
 * Checks `--fields` against the table's names; returns fleetctl's message
 * for an empty spec or an unknown field, or the selected fields.
 */
export function selectFields<Row>(
  table: Table<Row>,
  spec: string | undefined,
): { fields: string[] } | { error: string } {
  if (spec === undefined) return { fields: [...table.defaults] };
  const fields = spec.split(",").map((f) => f.trim());
  if (spec === "") return { error: "Must define output format" };
  for (const f of fields) {
    if (!Object.hasOwn(table.fields, f)) return { error: `Invalid key in output format: "${f}"` };
  }
  return { fields };
}

export function renderTable<Row>(
  table: Table<Row>,
  fields: readonly string[],
  rows: readonly Row[],
  opts: { full: boolean; legend: boolean },
): string {
  const lines: string[][] = [];
  if (opts.legend) lines.push(fields.map((f) => f.toUpperCase()));
  for (const row of rows) {
    lines.push(
      fields.map((f) => {
        const value = (table.fields[f] as (r: Row, full: boolean) => string)(row, opts.full);
        return value === "" ? "-" : value;
      }),
    );
  }
  return tabulate(lines);
}
