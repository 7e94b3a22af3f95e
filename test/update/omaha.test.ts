import { describe, expect, it } from "vitest";
import {
  COREOS_APP_ID,
  type OmahaRequest,
  parseRequest,
  readResponse,
  renderRequest,
  renderResponse,
  type UpdateOffer,
} from "../../src/update/index.js";

const request: OmahaRequest = {
  protocol: "3.0",
  installSource: "scheduler",
  os: { version: "Chateau", platform: "CoreOS", sp: "1.1.0_x86_64" },
  app: {
    appId: COREOS_APP_ID,
    version: "1.1.0",
    track: "beta",
    bootId: "{4c1a6a5e-1b52-4a0c-9c7f-0c3f2d1e5a11}",
    oem: "",
    oemVersion: "",
    alephVersion: "0.1.0",
    machineId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    lang: "en-US",
    board: "amd64-usr",
    hardwareClass: "",
    deltaOkay: false,
    ping: true,
    updateCheck: true,
    events: [{ type: 3, result: 2, previousVersion: "0.1.0" }],
  },
};

const offer: UpdateOffer = {
  version: "1.2.0",
  codebases: ["http://172.17.8.1:8088/v1/payloads/"],
  packageName: "ab12.tar.gz",
  size: 67546213,
  hash: "HVOmp67vBjPdvpWmOC2Uw4UDwsc=",
  sha256: "DIAVxoI+8NpsudUawOA5U92VHlaxQBS3ejN4EPM6T2A=",
  signature: "c2lnbmF0dXJl",
};

describe("Omaha request", () => {
  it("is written as update_engine writes it", () => {
    expect(renderRequest(request)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="1.1.0_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="1.1.0" track="beta" bootid="{4c1a6a5e-1b52-4a0c-9c7f-0c3f2d1e5a11}" oem="" oemversion="" alephversion="0.1.0" machineid="a1b2c3d4e5f60718293a4b5c6d7e8f90" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false">
        <ping active="1"></ping>
        <updatecheck></updatecheck>
        <event eventtype="3" eventresult="2" previousversion="0.1.0"></event>
    </app>
</request>
`);
  });

  it("round-trips, event-only requests and escaped attributes included", () => {
    expect(parseRequest(renderRequest(request))).toEqual(request);
    const eventOnly: OmahaRequest = {
      ...request,
      installSource: "ondemandupdate",
      app: {
        ...request.app,
        track: 'a&b<"c>',
        machineAlias: "core-01",
        ping: false,
        updateCheck: false,
        events: [
          { type: 13, result: 1 },
          { type: 3, result: 0, errorCode: 10 },
        ],
      },
    };
    const xml = renderRequest(eventOnly);
    expect(xml).toContain('<event eventtype="3" eventresult="0" errorcode="10"></event>');
    expect(xml).toContain('track="a&amp;b&lt;&quot;c&gt;"');
    expect(parseRequest(xml)).toEqual(eventOnly);
  });

  it("reads a request in update_engine's own spacing, with self-closed elements", () => {
    const parsed = parseRequest(`<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="ondemandupdate" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="1.0.0_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="1.0.0" track="stable" bootid="{b}" oem="" oemversion="" alephversion="1.0.0" machineid="m1" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >
        <ping active="1"/>
        <updatecheck/>
    </app>
</request>`);
    expect(parsed.installSource).toBe("ondemandupdate");
    expect(parsed.app).toMatchObject({
      track: "stable",
      version: "1.0.0",
      ping: true,
      updateCheck: true,
      events: [],
    });
  });

  it.each([
    ["", /malformed XML/],
    ["<request protocol='3.0'><app appid='x'>", /malformed XML/],
    ["<response protocol='3.0'/>", /not an Omaha <request>/],
    ["<request protocol='2.0'><app appid='x'/></request>", /protocol="2.0": only 3.0/],
    ["<request protocol='3.0'></request>", /exactly one <app>, this one has 0/],
    ["<request protocol='3.0'><app appid='a'/><app appid='b'/></request>", /this one has 2/],
    ["<request protocol='3.0'><app version='1'/></request>", /<app> has no appid/],
    [
      "<request protocol='3.0'><app appid='a'><event eventresult='1'/></app></request>",
      /<event> #1 has no eventtype/,
    ],
    [
      "<request protocol='3.0'><app appid='a'><event eventtype='x' eventresult='1'/></app></request>",
      /<event> #1 eventtype="x" is not a whole number/,
    ],
    [
      '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><request protocol="3.0"><app appid="&a;"/></request>',
      /DOCTYPE is not allowed/,
    ],
    ["<request protocol='3.0'><app appid='a'><constructor/></app></request>", /malformed XML/],
  ])("refuses %j", (xml, reason) => {
    expect(() => parseRequest(xml)).toThrow(reason);
  });
});

describe("Omaha response", () => {
  it("offers an update with urls, manifest, package and postinstall action", () => {
    const xml = renderResponse({
      appId: COREOS_APP_ID,
      events: 1,
      ping: true,
      updateCheck: { status: "ok", pollInterval: 600, ...offer },
    });
    expect(xml).toContain('<response protocol="3.0" server="shoal">');
    expect(xml).toContain('<updatecheck status="ok" PollInterval="600">');
    expect(xml).toContain('<url codebase="http://172.17.8.1:8088/v1/payloads/"></url>');
    expect(xml).toContain(
      `<package hash="${offer.hash}" name="ab12.tar.gz" size="67546213" required="true"></package>`,
    );
    expect(xml).toMatch(/<action event="postinstall" sha256="DIAVxoI\+8N[^"]*" needsadmin="false"/);
    expect(xml).toContain('<event status="ok"></event>');
    expect(readResponse(xml)).toEqual({
      kind: "update",
      pollInterval: 600,
      urls: ["http://172.17.8.1:8088/v1/payloads/ab12.tar.gz"],
      ...offer,
    });
  });

  it("says noupdate, with or without a PollInterval", () => {
    const base = { appId: COREOS_APP_ID, events: 0, ping: true };
    expect(readResponse(renderResponse({ ...base, updateCheck: { status: "noupdate" } }))).toEqual({
      kind: "noupdate",
      pollInterval: 0,
    });
    const polled = renderResponse({
      ...base,
      updateCheck: { status: "noupdate", pollInterval: 30 },
    });
    expect(readResponse(polled)).toEqual({ kind: "noupdate", pollInterval: 30 });
  });

  const ok = (inner: string, check = 'status="ok"') =>
    `<response protocol="3.0"><app appid="x" status="ok"><updatecheck ${check}>${inner}</updatecheck></app></response>`;
  const urls = '<urls><url codebase="http://u/"/></urls>';
  const pkg = (attrs: string) => `<packages><package ${attrs}/></packages>`;
  const action = '<actions><action event="postinstall" sha256="abc="/></actions>';

  it.each([
    ["", "empty response"],
    ["<response", "response is not valid XML"],
    ['<response protocol="3.0"><app appid="x"/></response>', "no /response/app/updatecheck"],
    [ok("", ""), "updatecheck has no status"],
    [
      ok("", 'status="error-unknownApplication"'),
      'unknown updatecheck status "error-unknownApplication"',
    ],
    [ok(urls), "no manifest"],
    [ok(`<manifest version="1.0.0">${pkg('name="p" size="1"')}${action}</manifest>`), "no urls"],
    [ok(`<urls><url codebase=""/></urls><manifest/>`), "a url has an empty codebase"],
    [ok(`${urls}<manifest version="1.0.0">${action}</manifest>`), "no package"],
    [ok(`${urls}<manifest>${pkg('size="1"')}${action}</manifest>`), "the package has no name"],
    [
      ok(`${urls}<manifest>${pkg('name="p" size="0"')}${action}</manifest>`),
      "invalid payload size: 0",
    ],
    [
      ok(`${urls}<manifest>${pkg('name="p" size="x"')}${action}</manifest>`),
      "invalid payload size: 0",
    ],
    [
      ok(
        `${urls}<manifest>${pkg('name="p" size="9"')}<actions><action event="update"/></actions></manifest>`,
      ),
      "no postinstall event action",
    ],
    [
      ok(
        `${urls}<manifest>${pkg('name="p" size="9"')}<actions><action event="postinstall"/></actions></manifest>`,
      ),
      "empty sha256 value",
    ],
  ])("finds %j invalid: %s", (xml, reason) => {
    expect(readResponse(xml)).toEqual({ kind: "invalid", reason: expect.stringContaining(reason) });
  });

  it("appends the first package's name to every codebase, as update_engine does", () => {
    const reading = readResponse(
      ok(
        `<urls><url codebase="http://a/"/><url codebase="http://b/x/"/></urls><manifest version="2.0.0">${pkg('name="p.gz" size="12abc"')}${pkg('name="q" size="1"')}${action}</manifest>`,
      ),
    );
    expect(reading).toMatchObject({
      kind: "update",
      version: "2.0.0",
      urls: ["http://a/p.gz", "http://b/x/p.gz"],
      size: 12,
      signature: "",
    });
  });
});
