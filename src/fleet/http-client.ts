import { request } from "node:http";
import type { ApiMachine, ApiOption, ApiUnit, ApiUnitState, FleetApi } from "./client.js";
import type { DesiredState } from "./scheduler.js";

/**
 * FleetApi over fleet's HTTP API (`fleetctl --driver=API`): a unix socket
 * (`unix:///var/run/fleet.sock`) or an http URL. Lists follow
 * nextPageToken to the end; only the first of several endpoints is used,
 * as upstream.
 */
export class HttpApi implements FleetApi {
  private readonly target: { socketPath?: string; host?: string; port?: number; base: string };

  constructor(
    endpoint: string,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(endpoint);
    if (url.protocol === "unix:" || url.protocol === "file:") {
      if (url.host) {
        throw new Error(
          `unable to connect to host "${url.host}" with scheme "${url.protocol.slice(0, -1)}"`,
        );
      }
      this.target = { socketPath: url.pathname, base: "" };
    } else if (url.protocol === "http:") {
      this.target = {
        host: url.hostname,
        port: Number(url.port || 80),
        base: url.pathname.replace(/\/$/, ""),
      };
    } else throw new Error(`URL scheme "${url.protocol.slice(0, -1)}" is not unix or http`);
  }

  private call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...(this.target.socketPath
            ? { socketPath: this.target.socketPath }
            : { host: this.target.host, port: this.target.port }),
          method,
          path: `${this.target.base}/fleet/v1${path}`,
          timeout: this.timeoutMs,
          agent: false,
          headers: payload ? { "Content-Type": "application/json" } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined; // a body that is not JSON: the status says enough
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on("timeout", () =>
        req.destroy(new Error(`request timed out after ${this.timeoutMs}ms`)),
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  private async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const { status, json } = await this.call(method, path, body);
    if (status >= 200 && status < 300) return json;
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message;
    throw new Error(message ? `${message} (HTTP ${status})` : `HTTP ${status}`);
  }

  private async list<T>(path: string, field: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const page = (await this.ok("GET", token ? `${path}?nextPageToken=${token}` : path)) as
        | Record<string, unknown>
        | undefined;
      out.push(...((page?.[field] as T[] | undefined) ?? []));
      token = page?.nextPageToken as string | undefined;
    } while (token);
    return out;
  }

  units(): Promise<ApiUnit[]> {
    return this.list<ApiUnit>("/units", "units").then((us) => us.map(withOptions));
  }

  async unit(name: string): Promise<ApiUnit | undefined> {
    const { status, json } = await this.call("GET", `/units/${encodeURIComponent(name)}`);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`HTTP ${status}`);
    return withOptions(json as ApiUnit);
  }

  async createUnit(unit: {
    name: string;
    options: ApiOption[];
    desiredState?: DesiredState;
  }): Promise<void> {
    const existing = await this.unit(unit.name);
    await this.ok("PUT", `/units/${encodeURIComponent(unit.name)}`, {
      name: unit.name,
      options: unit.options,
      desiredState: unit.desiredState ?? existing?.desiredState ?? "inactive",
    });
  }

  /** The API takes one unit per request: the caller orders them (peers first). */
  async setTargetStates(names: readonly string[], state: DesiredState): Promise<void> {
    for (const name of names) {
      await this.ok("PUT", `/units/${encodeURIComponent(name)}`, { desiredState: state });
    }
  }

  async destroyUnit(name: string): Promise<boolean> {
    const { status } = await this.call("DELETE", `/units/${encodeURIComponent(name)}`);
    if (status === 404) return false;
    if (status !== 204) throw new Error(`HTTP ${status}`);
    return true;
  }

  unitStates(): Promise<ApiUnitState[]> {
    return this.list<ApiUnitState>("/state", "states");
  }

  machines(): Promise<ApiMachine[]> {
    return this.list<ApiMachine>("/machines", "machines");
  }

  async setMachineMetadata(machineId: string, key: string, value: string): Promise<void> {
    await this.ok("PATCH", "/machines", [
      { op: "add", path: `/${machineId}/metadata/${key}`, value: { value } },
    ]);
  }

  async deleteMachineMetadata(machineId: string, key: string): Promise<void> {
    await this.ok("PATCH", "/machines", [{ op: "remove", path: `/${machineId}/metadata/${key}` }]);
  }

  close(): void {}
}

function withOptions(u: ApiUnit): ApiUnit {
  return { ...u, options: u.options ?? [] };
}
