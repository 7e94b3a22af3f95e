/** The machine journalctl's --output modes, rendered from stored records. */
import { describe, expect, it } from "vitest";
import { OUTPUT_MODES, outputMode, renderRecord } from "../../src/machine/index.js";

// journalctl prints local time; this file pins the zone.
process.env.TZ = "Europe/Berlin";

const LINE = '2026-11-03T08:07:06.042Z core-01 hello.service[1234]: said "hi"';
const render = (mode: string, line = LINE) => {
  const m = outputMode(mode);
  if ("error" in m) throw new Error(m.error);
  return renderRecord(line, m.mode);
};

describe("journalctl --output", () => {
  it("renders the short modes as journalctl does, in local time", () => {
    expect(render("short")).toBe('Nov 03 09:07:06 core-01 hello.service[1234]: said "hi"\n');
    expect(render("short-iso")).toBe(
      '2026-11-03T09:07:06+0100 core-01 hello.service[1234]: said "hi"\n',
    );
    expect(render("short-precise")).toBe(
      'Nov 03 09:07:06.042000 core-01 hello.service[1234]: said "hi"\n',
    );
    // The init's own records have no PID.
    expect(render("short", "2026-11-03T08:07:06.042Z core-01 hello.service: Started")).toBe(
      "Nov 03 09:07:06 core-01 hello.service: Started\n",
    );
    expect(render("cat")).toBe('said "hi"\n');
  });

  it("renders the JSON modes with the fields a record has", () => {
    const fields = {
      __REALTIME_TIMESTAMP: "1793693226042000",
      _HOSTNAME: "core-01",
      _PID: "1234",
      _SYSTEMD_UNIT: "hello.service",
      MESSAGE: 'said "hi"',
    };
    expect(render("json")).toBe(
      '{ "__REALTIME_TIMESTAMP" : "1793693226042000", "_HOSTNAME" : "core-01", "_PID" : "1234", "_SYSTEMD_UNIT" : "hello.service", "MESSAGE" : "said \\"hi\\"" }\n',
    );
    expect(JSON.parse(render("json"))).toEqual(fields);
    expect(JSON.parse(render("json-pretty"))).toEqual(fields);
    expect(render("json-pretty")).toMatch(/^\{\n\t"__REALTIME_TIMESTAMP" : "\d+",\n\t"_HOSTNAME"/);
    const sse = render("json-sse");
    expect(sse).toMatch(/^data: \{ .*\}\n\n$/);
    expect(JSON.parse(sse.slice("data: ".length))).toEqual(fields);
  });

  it("refuses what it cannot render, and an unknown mode with journalctl's words", () => {
    expect(outputMode("bogus")).toEqual({ error: "Unknown output format 'bogus'." });
    for (const mode of ["verbose", "export", "short-monotonic"]) {
      expect(outputMode(mode)).toEqual({ error: expect.stringContaining(`'${mode}'`) });
    }
    expect(OUTPUT_MODES).toHaveLength(10);
  });
});
