/**
 * write_files content decoding with Go's semantics: strict
 * standard base64 that skips line breaks, and gzip that only needs a valid
 * header (upstream ignores read errors after it).
 */
import { constants, gunzipSync } from "node:zlib";

const BASE64 = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's base64.StdEncoding.DecodeString: padding required, \r and \n skipped. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, "base64"));
}

/** Go's gzip.NewReader + ReadFrom with the read error ignored: a bad header fails, a bad body does not. */
export function gunzipLenient(data: Uint8Array): Uint8Array | undefined {
  if (!hasGzipHeader(data)) return undefined;
  try {
    return new Uint8Array(gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH }));
  } catch {
    // A corrupt body after a good header: Go's reader yields nothing, without an error.
    return new Uint8Array(0);
  }
}

function hasGzipHeader(d: Uint8Array): boolean {
  if (d.length < 10 || d[0] !== 0x1f || d[1] !== 0x8b || d[2] !== 8) return false;
  const flags = d[3] ?? 0;
  let at = 10;
  if (flags & 4) at += 2 + ((d[10] ?? 0) | ((d[11] ?? 0) << 8)); // FEXTRA
  for (const flag of [8, 16]) {
    // FNAME, FCOMMENT: NUL-terminated
    if (flags & flag) {
      while (at < d.length && d[at] !== 0) at++;
      at++;
    }
  }
  if (flags & 2) at += 2; // FHCRC
  return at <= d.length;
}

export type Decoded = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** upstream's config.DecodeContent: the encoding names it knows, and its error messages. */
export function decodeContent(content: Uint8Array, encoding: string): Decoded {
  const latin1 = () => Buffer.from(content).toString("latin1");
  const base64 = (): Decoded => {
    const bytes = decodeBase64(latin1());
    return bytes ? { ok: true, bytes } : { ok: false, error: "Unable to decode base64" };
  };
  const gzip = (data: Uint8Array): Decoded => {
    const bytes = gunzipLenient(data);
    return bytes ? { ok: true, bytes } : { ok: false, error: "Unable to decode gzip" };
  };
  switch (encoding) {
    case "":
      return { ok: true, bytes: content };
    case "b64":
    case "base64":
      return base64();
    case "gz":
    case "gzip":
      return gzip(content);
    case "gz+base64":
    case "gzip+base64":
    case "gz+b64":
    case "gzip+b64": {
      const first = base64();
      return first.ok ? gzip(first.bytes) : first;
    }
    default:
      return { ok: false, error: `Unsupported encoding "${encoding}"` };
  }
}
