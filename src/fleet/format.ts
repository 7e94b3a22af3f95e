/**
 * fleetctl's tables: Go's tabwriter with padchar TAB (minwidth 0,
 * tabwidth 8, padding 1), upper-cased field names as the header, short
 * machine IDs, and `-` for missing values.
 */

const TAB_WIDTH = 8;

/** Pads every cell but the last of each row with tabs to 8-column stops, as tabwriter does. */
export function tabulate(rows: readonly (readonly string[])[]): string {
  return tabwrite(rows.map((r) => `${r.join("\t")}\n`).join(""));
}

/**
 * Go's text/tabwriter as fleetctl sets it up (minwidth 0, tabwidth 8,
 * padding 1, padchar TAB, no flags): a tab-terminated cell is padded with
 * tabs to its column's width, a column being a run of consecutive lines
 * that have a cell there (so a line without tabs ends every column).
 */
export function tabwrite(text: string): string {
  // The text after the last newline is a line too, written without one.
  const lines = text.split("\n").map((l) => l.split("\t"));
  const widths: number[] = [];
  let out = "";
  const write = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const line = lines[i] as string[];
      out += line
        .map((cell, j) => {
          const width = widths[j];
          if (width === undefined) return cell;
          const stop = Math.ceil(width / TAB_WIDTH) * TAB_WIDTH;
          return cell + "\t".repeat(Math.ceil((stop - [...cell].length) / TAB_WIDTH));
        })
        .join("");
      if (i < lines.length - 1) out += "\n";
    }
  };
  const format = (first: number, last: number) => {
    const column = widths.length;
    let from = first;
    for (let i = first; i < last; i++) {
      if (column >= (lines[i] as string[]).length - 1) continue;
      write(from, i);
      from = i;
      let width = 0;
      for (; i < last; i++) {
        const line = lines[i] as string[];
        if (column >= line.length - 1) break;
        width = Math.max(width, [...(line[column] as string)].length + 1);
      }
      widths.push(width);
      format(from, i);
      widths.pop();
      from = i;
    }
    write(from, last);
  };
  format(0, lines.length);
  return out;
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
