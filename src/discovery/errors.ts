/**
 * etcd v2-style errors: what the server answers instead of plain text, so
 * that etcd's discovery client reports the real cause. Codes and messages
 * are etcd's (etcd/error/error.go) where etcd has one; the few shoal-only
 * cases reuse the closest etcd code and say why in `cause`.
 */
export const ErrorCode = {
  KeyNotFound: 100,
  NodeExist: 105,
  RootReadOnly: 107,
  ValueRequired: 200,
  IndexNaN: 203,
  InvalidField: 209,
  InvalidForm: 210,
  RaftInternal: 300,
} as const;

const MESSAGES: Record<number, string> = {
  100: "Key not found",
  105: "Key already exists",
  107: "The root is read only",
  200: "Value is Required in POST form",
  203: "The given index in POST form is not a number",
  209: "Invalid field",
  210: "Invalid POST form",
  300: "Raft Internal Error",
};

export class DiscoveryError extends Error {
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

  withIndex(index: number): DiscoveryError {
    return new DiscoveryError(this.status, this.errorCode, this.detail, index, this.headers);
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
