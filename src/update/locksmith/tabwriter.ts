/**
 * Go's text/tabwriter as locksmithctl configures it (min width 0, tab
 * width 8, padding 1, padded with tabs): cells end at a tab, the last cell
 * of a line is not aligned, and each column is as wide as its widest cell
 * in the run of lines that have it, plus one, rounded up to a tab stop.
 */
const TAB = 8;
const PADDING = 1;

export function tabwrite(text: string): string {
  const lines = text.split("\n").map((l) => l.split("\t"));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as string[];
      let line = "";
      cells.forEach((cell, j) => {
        const width = widths[j];
        if (j < cells.length - 1 && width !== undefined) {
          const stop = Math.ceil(width / TAB) * TAB;
          line += cell + "\t".repeat(Math.ceil((stop - [...cell].length) / TAB));
        } else line += cell;
      });
      out.push(line);
    }
  };

  const format = (from: number, to: number) => {
    const column = widths.length;
    let start = from;
    for (let i = from; i < to; i++) {
      if (column >= (lines[i] as string[]).length - 1) continue;
      writeLines(start, i);
      start = i;
      let width = 0;
      for (; i < to; i++) {
        const cells = lines[i] as string[];
        if (column >= cells.length - 1) break;
        width = Math.max(width, [...(cells[column] as string)].length + PADDING);
      }
      widths.push(width);
      format(start, i);
      widths.pop();
      start = i;
    }
    writeLines(start, to);
  };

  format(0, lines.length);
  return out.join("\n");
}
