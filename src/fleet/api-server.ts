import type { IncomingMessage, ServerResponse } from "node:http";
import { pageOf, pageTokenOf } from "./api-page.js";
import type { ApiOption, ApiUnit, FleetApi } from "./client.js";
import { apiUnitHash } from "./client.js";
import { discoveryDocument } from "./discovery-doc.js";
import { FLEET_VERSION } from "./registry.js";
import { requirementsOf, requirementsProblem } from "./requirements.js";
import type { DesiredState } from "./scheduler.js";
import { isTemplate, unitNameProblem } from "./unit-name.js";

/**
 * fleet's HTTP API v1 (also under /v1-alpha, as upstream): units, state,
 * machines and the discovery document, with fleet's status codes, JSON
 * field names, page tokens and `{"error":{"code","message"}}` bodies. A
 * malformed request gets an error answer, never a crash.
 */

const DESIRED = new Set(["inactive", "loaded", "launched"]);
const BODY_LIMIT = 1 << 20;
const METADATA_PATH = /^\/([^/]+)\/metadata\/([A-Za-z0-9_.-]+)$/;

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function apiHandler(api: FleetApi, tokenLimit: number, log: (line: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader("Server", `fleetd/${FLEET_VERSION}`);
    try {
      const url = new URL(req.url ?? "/", "http://fleet");
      await route(api, tokenLimit, req, url, res);
    } catch (err) {
      if (err instanceof HttpError)
        send(res, err.code, { error: errorBody(err.code, err.message) });
      else {
        log(`fleet API: ${req.method} ${req.url}: ${(err as Error).message}`);
        send(res, 500, { error: errorBody(500, "") });
      }
    }
  };
}

function errorBody(code: number, message: string) {
  return message ? { code, message } : { code };
}

function send(res: ServerResponse, code: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(code).end();
    return;
  }
  res.writeHead(code, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

async function route(
  api: FleetApi,
  limit: number,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
): Promise<void> {
  const prefix = ["/fleet/v1", "/v1-alpha"].find(
    (p) => url.pathname === p || url.pathname.startsWith(`${p}/`),
  );
  if (!prefix) throw new HttpError(url.pathname === "/" ? 405 : 404, "");
  const rest = url.pathname.slice(prefix.length);
  const method = req.method ?? "GET";
  const page = () => {
    const tok = pageTokenOf(url.searchParams.getAll("nextPageToken"), limit);
    if ("error" in tok) throw new HttpError(400, tok.error);
    return tok;
  };
  if (rest === "" || rest === "/") throw new HttpError(405, "");
  if (rest === "/discovery") {
    if (method !== "GET") throw new HttpError(400, "only HTTP GET supported against this resource");
    return send(res, 200, discoveryDocument());
  }
  if (rest === "/machines") {
    if (method === "GET") {
      const { items, next } = pageOf(await api.machines(), page());
      return send(res, 200, { ...(items.length ? { machines: items } : {}), ...nextOf(next) });
    }
    if (method === "PATCH") return patchMachines(api, await readJson(req), res);
    throw new HttpError(405, "only GET and PATCH supported against this resource");
  }
  if (rest === "/units" || rest === "/state") {
    if (method !== "GET") throw new HttpError(405, "only GET supported against this resource");
    if (rest === "/units") {
      const { items, next } = pageOf(await api.units(), page());
      return send(res, 200, {
        ...(items.length ? { units: items.map(unitJson) } : {}),
        ...nextOf(next),
      });
    }
    const machineID = url.searchParams.get("machineID") ?? "";
    const unitName = url.searchParams.get("unitName") ?? "";
    const states = (await api.unitStates()).filter(
      (s) => (!machineID || s.machineID === machineID) && (!unitName || s.name === unitName),
    );
    const { items, next } = pageOf(states, page());
    return send(res, 200, { ...(items.length ? { states: items } : {}), ...nextOf(next) });
  }
  const item = /^\/(units|state)\/([^/]+)$/.exec(rest);
  if (!item) throw new HttpError(404, "");
  let name: string;
  try {
    name = decodeURIComponent(item[2] as string);
  } catch {
    throw new HttpError(400, "unit name is not valid URL encoding"); // e.g. a lone "%"
  }
  if (item[1] === "state") {
    if (method !== "GET") throw new HttpError(405, "only GET supported against this resource");
    const unit = await api.unit(name);
    const state = (await api.unitStates()).find(
      (s) => s.name === name && (!unit?.machineID || s.machineID === unit.machineID),
    );
    if (!state) throw new HttpError(404, "unit state does not exist");
    return send(res, 200, state);
  }
  if (method === "GET") {
    const unit = await api.unit(name);
    if (!unit) throw new HttpError(404, "unit does not exist");
    return send(res, 200, unitJson(unit));
  }
  if (method === "DELETE") {
    if (!(await api.destroyUnit(name))) throw new HttpError(404, "unit does not exist");
    return send(res, 204);
  }
  if (method === "PUT") return putUnit(api, name, req, res);
  throw new HttpError(405, "only GET, PUT and DELETE supported against this resource");
}

function nextOf(next: string | undefined) {
  return next ? { nextPageToken: next } : {};
}

/** Upstream's field order and omissions (omitempty). */
function unitJson(u: ApiUnit) {
  return {
    ...(u.currentState ? { currentState: u.currentState } : {}),
    desiredState: u.desiredState,
    ...(u.machineID ? { machineID: u.machineID } : {}),
    name: u.name,
    ...(u.options.length ? { options: u.options } : {}),
    ...(u.unplaceable !== undefined ? { unplaceable: u.unplaceable } : {}),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (err) {
    throw new HttpError(400, `unable to decode body: ${(err as Error).message}`);
  }
}

function checkContentType(req: IncomingMessage): void {
  const values = req.headersDistinct["content-type"] ?? [];
  if (values.length !== 1) {
    throw new HttpError(415, `expected 1 Content-Type, got ${values.length}`);
  }
  if ((values[0] as string).split(";")[0]?.trim() !== "application/json") {
    throw new HttpError(415, "only acceptable Content-Type is application/json");
  }
}

function optionsOf(raw: unknown): ApiOption[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new HttpError(400, "unable to decode body: options must be an array");
  return raw.map((o, i) => {
    const opt = o as Partial<ApiOption> | null;
    const field = (k: keyof ApiOption) => {
      const v = opt?.[k] ?? "";
      if (typeof v !== "string") {
        throw new HttpError(400, `unable to decode body: options[${i}].${k} must be a string`);
      }
      return v;
    };
    return { section: field("section"), name: field("name"), value: field("value") };
  });
}

async function putUnit(
  api: FleetApi,
  item: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  checkContentType(req);
  const body = (await readJson(req)) as Record<string, unknown> | null;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "unable to decode body: expected a JSON object");
  }
  const name = body.name === undefined || body.name === "" ? item : body.name;
  if (typeof name !== "string")
    throw new HttpError(400, "unable to decode body: name must be a string");
  if (name !== item) {
    throw new HttpError(
      400,
      `name in URL "${item}" differs from unit name in request body "${name}"`,
    );
  }
  const nameProblem = unitNameProblem(name);
  if (nameProblem) throw new HttpError(400, nameProblem);
  const desired = body.desiredState ?? "";
  if (typeof desired !== "string" || (desired !== "" && !DESIRED.has(desired))) {
    throw new HttpError(400, `unable to decode body: invalid desiredState "${String(desired)}"`);
  }
  const options = optionsOf(body.options);
  const existing = await api.unit(name);
  const changed =
    existing && options.length > 0 && apiUnitHash(options) !== apiUnitHash(existing.options);
  if (!existing || changed) {
    if (options.length === 0)
      throw new HttpError(409, "unit does not exist and options field empty");
    const problem = requirementsProblem(requirementsOf(name, options));
    if (problem) throw new HttpError(400, problem);
    await api.createUnit({
      name,
      options,
      ...(desired ? { desiredState: desired as DesiredState } : {}),
    });
    if (existing && desired) await api.setTargetStates([name], desired as DesiredState);
    return send(res, 201);
  }
  if (!desired) throw new HttpError(409, "must provide DesiredState to update existing unit");
  if (isTemplate(name) && desired !== "inactive") {
    throw new HttpError(400, `cannot activate template "${name}"`);
  }
  await api.setTargetStates([name], desired as DesiredState);
  send(res, 204);
}

async function patchMachines(api: FleetApi, body: unknown, res: ServerResponse): Promise<void> {
  if (!Array.isArray(body))
    throw new HttpError(400, "json: cannot unmarshal into a list of operations");
  const ops = body.map((o) => {
    const op = (o ?? {}) as { op?: unknown; path?: unknown; value?: { value?: unknown } };
    if (op.op !== "add" && op.op !== "remove" && op.op !== "replace") {
      throw new HttpError(400, "invalid op: expect add, remove, or replace");
    }
    const m = typeof op.path === "string" ? METADATA_PATH.exec(op.path) : null;
    if (!m) throw new HttpError(400, "machine metadata path invalid");
    const value = typeof op.value?.value === "string" ? op.value.value : "";
    if (op.op !== "remove" && value === "") {
      throw new HttpError(400, "invalid value: add and replace require a value");
    }
    return { op: op.op, machine: m[1] as string, key: m[2] as string, value };
  });
  for (const op of ops) {
    if (op.op === "remove") await api.deleteMachineMetadata(op.machine, op.key);
    else await api.setMachineMetadata(op.machine, op.key, op.value);
  }
  send(res, 204);
}
