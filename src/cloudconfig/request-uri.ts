/**
 * Go's url.ParseRequestURI as a yes/no answer, for the discovery URL rule:
 * an absolute URI with a scheme and a non-opaque part, or an absolute path.
 */

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// Bytes Go's shouldEscape(c, encodeHost) accepts unescaped in a host.
const HOST = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

export function isRequestUri(raw: string): boolean {
  if (raw === "" || hasControlByte(raw)) return false;
  let rest = raw;
  const colon = raw.indexOf(":");
  const firstSpecial = raw.search(/[^A-Za-z0-9+.-]/);
  if (colon > 0 && firstSpecial === colon) {
    if (!SCHEME.test(raw.slice(0, colon))) return false;
    rest = raw.slice(colon + 1);
  } else if (colon === 0) {
    return false; // "missing protocol scheme"
  } else if (!raw.startsWith("/")) {
    return false; // neither a scheme nor an absolute path
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash); // a request URI keeps '#' in the path; harmless here
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith("/")) return false; // opaque ("mailto:x") is not a request URI
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const path = slash < 0 ? "" : rest.slice(slash);
    return validAuthority(authority) && !BAD_PERCENT.test(path);
  }
  return !BAD_PERCENT.test(rest);
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf("@");
  const host = at < 0 ? authority : authority.slice(at + 1);
  if (BAD_PERCENT.test(host) || !HOST.test(host)) return false;
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    return close > 0 && /^(:\d*)?$/.test(host.slice(close + 1));
  }
  const colon = host.lastIndexOf(":");
  return colon < 0 || /^\d*$/.test(host.slice(colon + 1));
}

/** Go rejects any URL holding an ASCII control byte. */
function hasControlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
