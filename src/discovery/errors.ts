import { ShoalError } from "../errors/index.js";

/**
 * etcd v2-style errors: what the server answers instead of plain text, so
 * that etcd's discovery client reports the real cause. Codes and messages
 * are etcd's (etcd/error/error.go) where etcd has one; the few shoal-only
 * cases reuse the closest etcd code and say why in `cause`.
 */
export const ErrorCode = {
  KeyNotFound: 100,
  NodeExist: 105,
  ValueRequired: 200,
  IndexNaN: 203,
  InvalidField: 209,
  InvalidForm: 210,
  RaftInternal: 300,
} as const;

const MESSAGES: Record<number, string> = {
  100: "Key not found",
  105: "Key already exists",
  200: "Value is Required in POST form",
  203: "The given index in POST form is not a number",
  209: "Invalid field",
  210: "Invalid POST form",
  300: "Raft Internal Error",
};

export class DiscoveryError extends ShoalError {
  override name = "DiscoveryError";
  constructor(
    readonly status: number,
    readonly errorCode: number,
    /** etcd's `cause`: the key, or what was wrong. */
    readonly detail: string,
    readonly index = 0,
    readonly headers: Record<string, string> = {},
  ) {
    super(MESSAGES[errorCode] ?? "Error");
  }

  toJSON(): { errorCode: number; message: string; cause: string; index: number } {
    return {
      errorCode: this.errorCode,
      message: this.message,
      cause: this.detail,
      index: this.index,
    };
  }
}

export const keyNotFound = (key: string, index = 0) =>
  new DiscoveryError(404, ErrorCode.KeyNotFound, key, index);
export const nodeExists = (key: string, index: number) =>
  new DiscoveryError(412, ErrorCode.NodeExist, key, index);
export const badRequest = (code: number, cause: string) => new DiscoveryError(400, code, cause);

/** The store could not do what was asked (a conflict it could not resolve); served as a 503. */
export class StoreError extends ShoalError {
  override name = "StoreError";
}
