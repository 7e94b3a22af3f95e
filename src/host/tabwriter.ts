const TAB_WIDTH = 8;

/**
 * Go's text/tabwriter as fleetctl and locksmithctl set it up (minwidth 0, tabwidth 8,
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
