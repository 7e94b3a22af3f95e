/**
 * The fleet API's page tokens: two little-endian uint16 (limit, page),
 * base64url with padding, as fleet v1.0 encodes them. A token is only
 * good for the limit the server was started with (token_limit).
 */

export interface PageToken {
  limit: number;
  page: number;
}

export function encodePageToken(tok: PageToken): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt16LE(tok.limit, 0);
  buf.writeUInt16LE(tok.page, 2);
  return buf.toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/** The token a request names, the first page when none; an error message when it is bad. */
export function pageTokenOf(
  values: readonly string[],
  limit: number,
): PageToken | { error: string } {
  if (values.length > 1) return { error: "too many values for page token" };
  const value = values[0];
  if (value === undefined) return { limit, page: 1 };
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    return { error: "illegal base64 data at input byte 0" };
  }
  const buf = Buffer.from(value.replaceAll("-", "+").replaceAll("_", "/"), "base64");
  if (buf.length < 4) return { error: "unexpected EOF" };
  const tok = { limit: buf.readUInt16LE(0), page: buf.readUInt16LE(2) };
  if (tok.limit !== limit) return { error: `token limit must be ${limit}` };
  if (tok.page === 0) return { error: "token page must be greater than zero" };
  return tok;
}

/** One page of items and the next page's token: as upstream, a full last page still gets one. */
export function pageOf<T>(all: readonly T[], tok: PageToken): { items: T[]; next?: string } {
  const start = (tok.page - 1) * tok.limit;
  const stop = tok.page * tok.limit;
  if (start >= all.length) return { items: [] };
  if (stop > all.length) return { items: all.slice(start) };
  return { items: all.slice(start, stop), next: encodePageToken({ ...tok, page: tok.page + 1 }) };
}
