/**
 * The Omaha conversation, against the store: record what a machine says
 * (version, channel, events), pause a channel's rollout on a failure event,
 * and answer an update check with `noupdate` or the channel's release.
 */

import type { Reply } from "../../host/index.js";
import {
  COREOS_APP_ID,
  ErrorCode,
  EventResult,
  EventType,
  type OmahaApp,
  type OmahaEvent,
  OmahaRequestError,
  parseRequest,
  renderResponse,
  type UpdateCheckAnswer,
} from "../omaha/index.js";
import { compareVersions, isVersion } from "../release/index.js";
import {
  CHANNELS,
  type ChannelState,
  type Instance,
  isChannel,
  type UpdateStore,
} from "./store.js";

export type { Reply };

export interface ServiceOptions {
  /** Where machines reach this server; payload URLs start with it. */
  publicUrl: string;
  /** Sent as updatecheck PollInterval (seconds) when set. */
  pollIntervalSeconds?: number;
  now: () => number;
}

export interface ServiceHooks {
  checked?(answer: "noupdate" | "ok"): void;
  event?(e: OmahaEvent): void;
}

export const badRequest = (reason: string): Reply => ({
  status: 400,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: `bad Omaha request: ${reason}\n`,
});

const sameAppId = (id: string) =>
  id.replace(/^\{|\}$/g, "").toLowerCase() === COREOS_APP_ID.slice(1, -1);

const CODE_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

/** "error code 10 (PayloadHashMismatch)"; update_engine's flag bits (28..31) are left out. */
export function describeErrorCode(code: number | undefined): string {
  if (code === undefined) return "error (no code)";
  const base = code & 0x0fffffff;
  if (base > ErrorCode.HttpResponseBase && base < ErrorCode.HttpResponseBase + 1000)
    return `error code ${code} (HTTP ${base - ErrorCode.HttpResponseBase})`;
  const name = CODE_NAMES.get(base);
  return name ? `error code ${code} (${name})` : `error code ${code}`;
}

export class UpdateService {
  constructor(
    private readonly store: UpdateStore,
    readonly options: ServiceOptions,
    private readonly hooks: ServiceHooks = {},
  ) {}

  omaha(body: string): Reply {
    let app: OmahaApp;
    try {
      app = parseRequest(body).app;
    } catch (err) {
      if (err instanceof OmahaRequestError) return badRequest(err.message);
      throw err;
    }
    if (!sameAppId(app.appId)) return badRequest(`unknown appid "${app.appId}"`);
    if (!isChannel(app.track))
      return badRequest(`unknown track "${app.track}": this server has ${CHANNELS.join(", ")}`);
    if (app.machineId === "") return badRequest("<app> has no machineid");

    const now = this.options.now();
    // One transaction per request: the machine's row, its events and a pause land together.
    const updateCheck = this.store.atomically(() => this.record(app, now));
    return {
      status: 200,
      headers: { "content-type": "text/xml; charset=utf-8" },
      body: renderResponse({
        appId: app.appId,
        events: app.events.length,
        ping: app.ping,
        ...(updateCheck ? { updateCheck } : {}),
      }),
    };
  }

  private record(app: OmahaApp, now: number): UpdateCheckAnswer | undefined {
    const inst = this.instanceOf(app, now);
    for (const e of app.events) this.onEvent(inst, app, e, now);
    let updateCheck: UpdateCheckAnswer | undefined;
    if (app.updateCheck) {
      updateCheck = this.answer(app);
      this.hooks.checked?.(updateCheck.status);
      inst.lastCheckAt = now;
      if (updateCheck.status === "ok") {
        inst.status = "UPDATE_STATUS_UPDATE_AVAILABLE";
        inst.newVersion = updateCheck.version;
      } else if (inst.status !== "UPDATE_STATUS_UPDATED_NEED_REBOOT") {
        inst.status = "UPDATE_STATUS_IDLE";
      }
    }
    this.store.saveInstance(inst);
    return updateCheck;
  }

  private instanceOf(app: OmahaApp, now: number): Instance {
    const known = this.store.instance(app.machineId);
    return {
      machineId: app.machineId,
      alias: app.machineAlias || known?.alias || "",
      channel: app.track,
      version: app.version,
      status: known?.status ?? "UPDATE_STATUS_IDLE",
      newVersion: known?.newVersion ?? "",
      lastError: known?.lastError ?? "",
      lastCheckAt: known?.lastCheckAt ?? 0,
      updatedAt: now,
    };
  }

  private onEvent(inst: Instance, app: OmahaApp, e: OmahaEvent, now: number): void {
    this.hooks.event?.(e);
    const rebooted =
      e.type === EventType.UpdateComplete &&
      e.result === EventResult.SuccessReboot &&
      isVersion(e.previousVersion ?? "") &&
      e.previousVersion !== app.version;
    // Every check carries an event 3/2; only the one after an update's reboot says anything.
    const routine = e.type === EventType.UpdateComplete && e.result === EventResult.SuccessReboot;
    if (!routine || rebooted)
      this.store.recordEvent(app.machineId, now, { ...e, version: app.version });
    if (e.result === EventResult.Error) {
      inst.status = "UPDATE_STATUS_REPORTING_ERROR_EVENT";
      if (!inst.newVersion) {
        // No release was offered to it: nothing of the rollout failed.
        inst.lastError = describeErrorCode(e.errorCode);
        return;
      }
      inst.lastError = `${describeErrorCode(e.errorCode)} updating to ${inst.newVersion}`;
      const who = inst.alias || inst.machineId;
      this.store.pause(app.track, `${who} reported ${inst.lastError}`, now);
      return;
    }
    if (e.type === EventType.DownloadStarted) inst.status = "UPDATE_STATUS_DOWNLOADING";
    else if (e.type === EventType.DownloadFinished) inst.status = "UPDATE_STATUS_VERIFYING";
    else if (e.type === EventType.UpdateComplete && e.result === EventResult.Success)
      inst.status = "UPDATE_STATUS_UPDATED_NEED_REBOOT";
    else if (rebooted) {
      // Back from the reboot on the new version: the update is done.
      inst.status = "UPDATE_STATUS_IDLE";
      inst.newVersion = "";
      inst.lastError = "";
    }
  }

  private answer(app: OmahaApp): UpdateCheckAnswer {
    const poll =
      this.options.pollIntervalSeconds !== undefined
        ? { pollInterval: this.options.pollIntervalSeconds }
        : {};
    const channel: ChannelState | undefined = this.store.channel(app.track);
    if (!channel || channel.paused || compareVersions(channel.release.version, app.version) <= 0)
      return { status: "noupdate", ...poll };
    const r = channel.release;
    return {
      status: "ok",
      ...poll,
      version: r.version,
      codebases: [`${this.options.publicUrl}/v1/payloads/`],
      packageName: r.file,
      size: r.size,
      hash: r.sha1,
      sha256: r.sha256,
      signature: r.signature,
    };
  }
}
