import { describe, expect, it } from "vitest";
import {
  displayId,
  machineLegend,
  metadataText,
  renderTable,
  selectFields,
  type Table,
  tabulate,
} from "../../src/fleet/format.js";
import { tabwrite } from "../../src/host/index.js";

describe("fleetctl tables", () => {
  it("pads with tabs to 8-column stops as Go's tabwriter does", () => {
    expect(
      tabulate([
        ["MACHINE", "IP", "METADATA"],
        ["517d1c7d...", "172.17.8.101", "-"],
      ]),
    ).toBe("MACHINE\t\tIP\t\tMETADATA\n517d1c7d...\t172.17.8.101\t-\n");
    // A cell of exactly 7 characters still gets one tab (padding 1); 8 characters need two stops.
    expect(
      tabulate([
        ["1234567", "x"],
        ["12345678", "y"],
      ]),
    ).toBe("1234567\t\tx\n12345678\ty\n");
    expect(tabulate([["a", "b"]])).toBe("a\tb\n");
  });

  it("aligns a column only over consecutive lines that have it, as Go's tabwriter", () => {
    // The untabbed line ends the block: "b" is padded for "a" only, "longer-name" on its own.
    expect(tabwrite("\ta\tx\nplain\n\tlonger-name\ty\n")).toBe("\ta\tx\nplain\n\tlonger-name\ty\n");
    expect(tabwrite("\ta\tx\n\tlonger-name\ty\n")).toBe("\ta\t\tx\n\tlonger-name\ty\n");
    // A line with fewer cells ends the inner column but not the outer one.
    expect(tabwrite("\tab\tx\n\ty\n\tabcdefghij\tz\n")).toBe("\tab\tx\n\ty\n\tabcdefghij\tz\n");
    // Text after the last newline is written, padded like any line, without a newline.
    expect(tabwrite("a\tb\nlong-cell\tc")).toBe("a\t\tb\nlong-cell\tc");
  });

  it("shortens machine IDs and builds the machine legend", () => {
    const id = "517d1c7d1a7f4a3c9e9b3f1f8b1d2c3a";
    expect(displayId(id, false)).toBe("517d1c7d...");
    expect(displayId(id, true)).toBe(id);
    expect(displayId("core0001", false)).toBe("core0001");
    expect(machineLegend(id, "172.17.8.101", false)).toBe("517d1c7d.../172.17.8.101");
    expect(machineLegend(id, undefined, false)).toBe("517d1c7d...");
    expect(metadataText({ role: "web", az: "1" })).toBe("az=1,role=web");
    expect(metadataText({})).toBe("-");
  });

  const table: Table<{ id: string; ip?: string }> = {
    fields: {
      machine: (r, full) => displayId(r.id, full),
      ip: (r) => r.ip ?? "",
    },
    defaults: ["machine", "ip"],
  };

  it("selects fields, rejects unknown ones with fleetctl's message", () => {
    expect(selectFields(table, undefined)).toEqual({ fields: ["machine", "ip"] });
    expect(selectFields(table, "ip,machine")).toEqual({ fields: ["ip", "machine"] });
    expect(selectFields(table, "ip,colour")).toEqual({
      error: 'Invalid key in output format: "colour"',
    });
    expect(selectFields(table, "")).toEqual({ error: "Must define output format" });
    expect(selectFields(table, "toString")).toEqual({
      error: 'Invalid key in output format: "toString"',
    });
  });

  it("renders a header unless --no-legend, and - for missing values", () => {
    const rows = [{ id: "0123456789abcdef" }, { id: "fedcba9876543210", ip: "10.0.0.1" }];
    expect(renderTable(table, ["machine", "ip"], rows, { full: false, legend: true })).toBe(
      "MACHINE\t\tIP\n01234567...\t-\nfedcba98...\t10.0.0.1\n",
    );
    expect(renderTable(table, ["ip"], rows, { full: true, legend: false })).toBe("-\n10.0.0.1\n");
  });
});
