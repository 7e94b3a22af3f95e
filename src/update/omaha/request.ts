/**
 * The Omaha request, both ways: render it exactly as update_engine writes it
 * (attribute names and order, `<ping>`, `<updatecheck>`, `<event>`), and parse
 * one into an OmahaRequest or a reason naming the element and attribute.
 */
import { type OmahaApp, type OmahaEvent, type OmahaRequest, UPDATER_VERSION } from "./types.js";
import { attr, attrs, child, children, parseXml, renderXml, type XmlNode } from "./xml.js";

function renderEvent(e: OmahaEvent): XmlNode {
  return attrs({
    eventtype: e.type,
    eventresult: e.result,
    errorcode: e.errorCode,
    previousversion: e.previousVersion,
  });
}

export function renderRequest(req: OmahaRequest): string {
  const a = req.app;
  const app: XmlNode = attrs({
    appid: a.appId,
    version: a.version,
    track: a.track,
    bootid: a.bootId,
    oem: a.oem,
    oemversion: a.oemVersion,
    alephversion: a.alephVersion,
    machineid: a.machineId,
    machinealias: a.machineAlias,
    lang: a.lang,
    board: a.board,
    hardware_class: a.hardwareClass,
    delta_okay: a.deltaOkay ? "true" : "false",
  });
  if (a.ping) app.ping = attrs({ active: 1 });
  if (a.updateCheck) app.updatecheck = "";
  if (a.events.length > 0) app.event = a.events.map(renderEvent);
  return renderXml({
    request: {
      ...attrs({
        protocol: req.protocol,
        version: UPDATER_VERSION,
        updaterversion: UPDATER_VERSION,
        installsource: req.installSource,
        ismachine: 1,
      }),
      os: attrs({ version: req.os.version, platform: req.os.platform, sp: req.os.sp }),
      app,
    },
  });
}

export class OmahaRequestError extends Error {
  override name = "OmahaRequestError";
}

const bad = (why: string) => new OmahaRequestError(why);

function wholeNumber(node: XmlNode, name: string, where: string, required: boolean) {
  const text = attr(node, name);
  if (text === undefined) {
    if (required) throw bad(`${where} has no ${name} attribute`);
    return undefined;
  }
  if (!/^\d{1,10}$/.test(text)) throw bad(`${where} ${name}="${text}" is not a whole number`);
  return Number(text);
}

function parseEvent(node: XmlNode, i: number): OmahaEvent {
  const where = `<event> #${i + 1}`;
  const event: OmahaEvent = {
    type: wholeNumber(node, "eventtype", where, true) as number,
    result: wholeNumber(node, "eventresult", where, true) as number,
  };
  const code = wholeNumber(node, "errorcode", where, false);
  if (code !== undefined) event.errorCode = code;
  const previous = attr(node, "previousversion");
  if (previous !== undefined) event.previousVersion = previous;
  return event;
}

function parseApp(node: XmlNode): OmahaApp {
  const appId = attr(node, "appid");
  if (!appId) throw bad("<app> has no appid attribute");
  const text = (name: string) => attr(node, name) ?? "";
  const alias = attr(node, "machinealias");
  return {
    ...(alias !== undefined ? { machineAlias: alias } : {}),
    appId,
    version: text("version"),
    track: text("track"),
    bootId: text("bootid"),
    oem: text("oem"),
    oemVersion: text("oemversion"),
    alephVersion: text("alephversion"),
    machineId: text("machineid"),
    lang: text("lang"),
    board: text("board"),
    hardwareClass: text("hardware_class"),
    deltaOkay: text("delta_okay") === "true",
    ping: child(node, "ping") !== undefined,
    updateCheck: child(node, "updatecheck") !== undefined,
    events: children(node, "event").map(parseEvent),
  };
}

/** Parses a request body; throws OmahaRequestError with the reason when it is not one. */
export function parseRequest(body: string): OmahaRequest {
  const parsed = parseXml(body);
  if ("error" in parsed) throw bad(`malformed XML: ${parsed.error}`);
  const root = child(parsed.doc, "request");
  if (!root) throw bad("the document is not an Omaha <request>");
  const protocol = attr(root, "protocol");
  if (protocol !== "3.0") throw bad(`<request> protocol="${protocol ?? ""}": only 3.0 is spoken`);
  const apps = children(root, "app");
  if (apps.length !== 1)
    throw bad(`a request carries exactly one <app>, this one has ${apps.length}`);
  const os = child(root, "os");
  return {
    protocol,
    installSource:
      attr(root, "installsource") === "ondemandupdate" ? "ondemandupdate" : "scheduler",
    os: {
      version: attr(os, "version") ?? "",
      platform: attr(os, "platform") ?? "",
      sp: attr(os, "sp") ?? "",
    },
    app: parseApp(apps[0] as XmlNode),
  };
}
