/**
 * One update check, as update_engine runs it: re-read GROUP and SERVER,
 * ask the server, never downgrade, download into the passive slot's
 * neighbourhood, verify size, sha256 and the release signature, lay the
 * payload into the passive slot, mark it (priority, one try), report each
 * step as an Omaha event, and end in UPDATE_STATUS_UPDATED_NEED_REBOOT.
 * A failure after an offer is reported (event 3, result 0, errorcode) and
 * leaves the slot as it was.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  ErrorCode,
  EventResult,
  EventType,
  type OmahaEvent,
  type OmahaRequest,
  readResponse,
  renderRequest,
} from "../omaha/index.js";
import { compareVersions, digestFile, extractPayload, verifyRelease } from "../release/index.js";
import { readUpdateSettings, type UpdateSettings } from "./config.js";
import { type Http, type Prefs, type SlotDirs, TooLarge } from "./io.js";
import { markInstalled, other, rebootOutcome } from "./slots.js";
import { type EngineEvent, type EngineState, IDLE, next } from "./status.js";

export const PREF_PREVIOUS_VERSION = "previous-version";
/** Written once an update is installed; at start it means the status is NEED_REBOOT. */
export const PREF_UPDATE_COMPLETED = "update-completed";

export interface EngineDeps {
  /** A machine file's text (/etc/coreos/update.conf, /usr/share/coreos/release), undefined when absent. */
  readFile(path: string): string | undefined;
  slots: SlotDirs;
  prefs: Prefs;
  http: Http;
  /**
   * The release signing key (SPKI PEM), from the config drive; a function
   * when it is read at each check (the host may put it there after boot).
   */
  publicKey: string | (() => string);
  machineId: string;
  bootId: string;
  /** The machine's name, sent as `machinealias`. */
  alias?: string;
  now(): number;
  /**
   * Settles once this boot completed and its slot was marked good: the
   * report of a reboot into a new release waits for it. Absent: at once.
   */
  bootCompleted?: Promise<void>;
  /** Every status change, as update_engine's StatusUpdate signal. */
  onStatus?(state: EngineState): void;
  log?(line: string): void;
}

export interface CheckResult {
  outcome: "skipped" | "noupdate" | "updated" | "failed";
  /** The update check's HTTP status; 0 when it got none. */
  httpStatus: number;
  /** The server's PollInterval (seconds), 0 when it sent none. */
  pollIntervalS: number;
  error?: string;
}

class UpdateFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class UpdateEngine {
  private current: EngineState;
  /** What the installed update (PREF_UPDATE_COMPLETED) became at this boot, until reported. */
  private afterReboot: "booted" | "rolled-back" | undefined;

  constructor(private readonly deps: EngineDeps) {
    const completed = deps.prefs.get(PREF_UPDATE_COMPLETED);
    const outcome = completed ? rebootOutcome(deps.slots.read(""), completed) : undefined;
    this.afterReboot = outcome === "pending" ? undefined : outcome;
    this.current =
      completed && outcome === "pending"
        ? { ...IDLE, status: "UPDATE_STATUS_UPDATED_NEED_REBOOT", newVersion: completed }
        : IDLE;
  }

  /**
   * The first word after the reboot an update asked for: event 3 with
   * result 2 and `previousversion` once this boot into the new release
   * completed, or, when its slot never booted good and the machine came
   * back on the old one, event 3 with an error (the server then pauses
   * the channel's rollout). The marker goes only once that is done, so a
   * trial boot cut short still gets its failure reported from the old slot.
   */
  async reportBoot(signal?: AbortSignal): Promise<void> {
    if (!this.afterReboot) return;
    const s = readUpdateSettings(this.deps.readFile);
    const version = this.deps.prefs.get(PREF_UPDATE_COMPLETED) ?? "";
    if (this.afterReboot === "booted") {
      await this.deps.bootCompleted;
      if (signal?.aborted) return;
      const previous = this.deps.prefs.get(PREF_PREVIOUS_VERSION) || "0.0.0.0";
      const sent = await this.event(s, {
        type: EventType.UpdateComplete,
        result: EventResult.SuccessReboot,
        previousVersion: previous,
      });
      if (sent) this.deps.prefs.set(PREF_PREVIOUS_VERSION, "");
    } else {
      this.deps.log?.(`${version} did not boot good; back on ${s.version}`);
      await this.event(s, {
        type: EventType.UpdateComplete,
        result: EventResult.Error,
        errorCode: ErrorCode.NewRootfsVerificationError,
      });
      this.deps.prefs.set(PREF_PREVIOUS_VERSION, "");
    }
    this.deps.prefs.delete(PREF_UPDATE_COMPLETED);
    this.afterReboot = undefined;
  }

  get state(): EngineState {
    return this.current;
  }

  private move(event: EngineEvent): void {
    const after = next(this.current, event);
    if (after === this.current) return;
    this.current = after;
    this.deps.onStatus?.(after);
  }

  /** ResetStatus: NEED_REBOOT back to IDLE (the installed slot keeps its priority, as upstream). */
  reset(): void {
    this.deps.prefs.delete(PREF_UPDATE_COMPLETED);
    this.move({ kind: "reset" });
  }

  private request(
    s: UpdateSettings,
    app: Partial<OmahaRequest["app"]>,
    interactive: boolean,
  ): string {
    return renderRequest({
      protocol: "3.0",
      installSource: interactive ? "ondemandupdate" : "scheduler",
      os: { version: "Chateau", platform: "CoreOS", sp: `${s.version}_x86_64` },
      app: {
        appId: s.appId,
        version: s.version,
        track: s.group,
        bootId: this.deps.bootId,
        oem: "",
        oemVersion: "",
        alephVersion: s.version,
        machineId: this.deps.machineId,
        ...(this.deps.alias ? { machineAlias: this.deps.alias } : {}),
        lang: "en-US",
        board: s.board,
        hardwareClass: "",
        deltaOkay: false,
        ping: false,
        updateCheck: false,
        events: [],
        ...app,
      },
    });
  }

  /** Events are best effort, as upstream: a lost one is logged, never fatal. Whether it got an answer. */
  private async event(s: UpdateSettings, e: OmahaEvent): Promise<boolean> {
    try {
      await this.deps.http.post(s.server, this.request(s, { events: [e] }, false));
      return true;
    } catch (err) {
      this.deps.log?.(`event ${e.type}/${e.result} not delivered: ${String(err)}`);
      return false;
    }
  }

  async check(interactive = false): Promise<CheckResult> {
    const s = readUpdateSettings(this.deps.readFile);
    if (this.current.status === "UPDATE_STATUS_UPDATED_NEED_REBOOT") {
      // Until the reboot, checks only ping.
      await this.deps.http
        .post(s.server, this.request(s, { ping: true }, interactive))
        .catch(() => {});
      return { outcome: "skipped", httpStatus: 0, pollIntervalS: 0 };
    }
    if (this.current.status !== "UPDATE_STATUS_IDLE")
      return { outcome: "skipped", httpStatus: 0, pollIntervalS: 0 };
    this.move({ kind: "check", at: Math.floor(this.deps.now() / 1000) });
    // Until reportBoot said how the reboot went, a check must not claim it went well.
    const previous = (!this.afterReboot && this.deps.prefs.get(PREF_PREVIOUS_VERSION)) || "0.0.0.0";
    const body = this.request(
      s,
      {
        ping: true,
        updateCheck: true,
        events: [
          {
            type: EventType.UpdateComplete,
            result: EventResult.SuccessReboot,
            previousVersion: previous,
          },
        ],
      },
      interactive,
    );
    let answer: { status: number; body: string };
    try {
      answer = await this.deps.http.post(s.server, body);
    } catch (err) {
      this.move({ kind: "noupdate" });
      return {
        outcome: "failed",
        httpStatus: 0,
        pollIntervalS: 0,
        error: `cannot reach ${s.server}: ${String(err)}`,
      };
    }
    if (!this.afterReboot) this.deps.prefs.set(PREF_PREVIOUS_VERSION, "");
    const reading = answer.status === 200 ? readResponse(answer.body) : undefined;
    if (!reading || reading.kind === "invalid") {
      this.move({ kind: "noupdate" });
      const why = reading
        ? reading.reason
        : `HTTP ${answer.status}: ${answer.body.trim().slice(0, 200)}`;
      return { outcome: "failed", httpStatus: answer.status, pollIntervalS: 0, error: why };
    }
    const polled = { httpStatus: answer.status, pollIntervalS: reading.pollInterval };
    if (reading.kind === "noupdate" || compareVersions(reading.version, s.version) <= 0) {
      if (reading.kind === "update")
        this.deps.log?.(`ignoring ${reading.version}: not newer than ${s.version}`);
      this.move({ kind: "noupdate" });
      return { outcome: "noupdate", ...polled };
    }
    this.move({ kind: "available", version: reading.version, size: reading.size });
    try {
      await this.install(s, reading);
      return { outcome: "updated", ...polled };
    } catch (err) {
      const failure =
        err instanceof UpdateFailure ? err : new UpdateFailure(ErrorCode.Error, String(err));
      this.move({ kind: "failed" });
      await this.event(s, {
        type: EventType.UpdateComplete,
        result: EventResult.Error,
        errorCode: failure.code,
      });
      this.move({ kind: "reported" });
      return { outcome: "failed", ...polled, error: failure.message };
    }
  }

  private async install(
    s: UpdateSettings,
    offer: { version: string; urls: string[]; size: number; sha256: string; signature: string },
  ): Promise<void> {
    const { slots } = this.deps;
    mkdirSync(slots.dir, { recursive: true });
    const work = mkdtempSync(join(slots.dir, ".download-"));
    try {
      const file = join(work, "payload.tar.gz");
      await this.event(s, { type: EventType.DownloadStarted, result: EventResult.Success });
      await this.download(offer.urls, file, offer.size);
      await this.event(s, { type: EventType.DownloadFinished, result: EventResult.Success });
      this.move({ kind: "downloaded" });

      const digest = await digestFile(file);
      if (digest.size !== offer.size)
        throw new UpdateFailure(
          ErrorCode.PayloadSizeMismatch,
          `payload is ${digest.size} bytes, expected ${offer.size}`,
        );
      if (digest.sha256 !== offer.sha256)
        throw new UpdateFailure(
          ErrorCode.PayloadHashMismatch,
          `payload sha256 ${digest.sha256}, expected ${offer.sha256}`,
        );
      const facts = { version: offer.version, size: digest.size, sha256: digest.sha256 };
      const key = this.deps.publicKey;
      if (!verifyRelease(typeof key === "string" ? key : key(), facts, offer.signature))
        throw new UpdateFailure(
          ErrorCode.PayloadVerification,
          "the release signature does not verify with this machine's key",
        );
      this.move({ kind: "verified" });

      const table = slots.read(s.version);
      const passive = other(table.booted);
      const tree = join(work, "tree");
      mkdirSync(tree);
      try {
        await extractPayload(file, tree);
      } catch (err) {
        throw new UpdateFailure(
          ErrorCode.PostinstallError,
          `cannot unpack the payload: ${String(err)}`,
        );
      }
      slots.replace(passive, tree);
      slots.write(markInstalled(table, passive, offer.version));
      this.deps.prefs.set(PREF_PREVIOUS_VERSION, s.version);
      this.deps.prefs.set(PREF_UPDATE_COMPLETED, offer.version);
      await this.event(s, { type: EventType.UpdateComplete, result: EventResult.Success });
      this.move({ kind: "installed" });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  private async download(urls: string[], file: string, size: number): Promise<void> {
    const errors: string[] = [];
    for (const url of urls) {
      try {
        await this.deps.http.download(url, file, size, (bytes) =>
          this.move({ kind: "progress", fraction: bytes / size }),
        );
        return;
      } catch (err) {
        if (err instanceof TooLarge)
          throw new UpdateFailure(
            ErrorCode.PayloadSizeMismatch,
            `payload from ${url} is ${err.message}`,
          );
        errors.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    throw new UpdateFailure(
      ErrorCode.DownloadTransferError,
      `download failed: ${errors.join("; ")}`,
    );
  }
}
