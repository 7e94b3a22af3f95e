/** The Omaha 3.0 messages update_engine exchanges with its server, as data. */

/** CoreOS's application id: the only app a shoal update server knows. */
export const COREOS_APP_ID = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";

/** update_engine's own name and version, sent as the request's `version`/`updaterversion`. */
export const UPDATER_VERSION = "update_engine-0.4.10";

export const EventType = {
  UpdateComplete: 3,
  DownloadStarted: 13,
  DownloadFinished: 14,
} as const;

export const EventResult = {
  Error: 0,
  Success: 1,
  SuccessReboot: 2,
  Deferred: 9,
} as const;

/** update_engine's action exit codes that shoal's engine reports (sent as `errorcode`). */
export const ErrorCode = {
  Error: 1,
  OmahaRequestError: 2,
  DownloadTransferError: 9,
  PayloadHashMismatch: 10,
  PayloadSizeMismatch: 11,
  PayloadVerification: 12,
  DownloadWriteError: 14,
  /**
   * Sent by shoal when a new /usr slot did not boot good and the machine
   * came back on the old one (upstream has no code of its own for that).
   */
  NewRootfsVerificationError: 15,
  OmahaResponseInvalid: 34,
  PostinstallError: 5,
  /** Added to the HTTP status of a failed update check. */
  HttpResponseBase: 2000,
} as const;

export interface OmahaEvent {
  type: number;
  result: number;
  errorCode?: number;
  previousVersion?: string;
}

export interface OmahaApp {
  appId: string;
  version: string;
  track: string;
  bootId: string;
  oem: string;
  oemVersion: string;
  alephVersion: string;
  machineId: string;
  /** The machine's name (Nebraska's `machinealias`); update_engine leaves it out. */
  machineAlias?: string;
  lang: string;
  board: string;
  hardwareClass: string;
  deltaOkay: boolean;
  ping: boolean;
  updateCheck: boolean;
  events: OmahaEvent[];
}

export interface OmahaRequest {
  protocol: string;
  installSource: "scheduler" | "ondemandupdate";
  os: { version: string; platform: string; sp: string };
  app: OmahaApp;
}

/** What the server offers: a payload to lay over the passive /usr. */
export interface UpdateOffer {
  version: string;
  /** Base URLs; the package name is appended to each. */
  codebases: string[];
  packageName: string;
  size: number;
  /** base64 SHA-1 of the payload (Omaha's package hash). */
  hash: string;
  /** base64 SHA-256 of the payload (the postinstall action's sha256). */
  sha256: string;
  /** base64 Ed25519 signature over the release statement. */
  signature: string;
}

export type UpdateCheckAnswer =
  | { status: "noupdate"; pollInterval?: number }
  | ({ status: "ok"; pollInterval?: number } & UpdateOffer);

export interface OmahaResponse {
  appId: string;
  /** How many events the request carried: each is acknowledged with `<event status="ok">`. */
  events: number;
  ping: boolean;
  updateCheck?: UpdateCheckAnswer;
}
