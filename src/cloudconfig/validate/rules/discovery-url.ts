import { isRequestUri } from "../../request-uri.js";
import { fieldOf, isScalar, type ValueNode } from "../../tree.js";
import { type Finding, warning } from "../finding.js";

/** Rule 1: `coreos.etcd.discovery` must parse as a request URI (etcd2's is not checked, as upstream). */
export function checkDiscoveryUrl(root: ValueNode): Finding[] {
  const discovery = fieldOf(fieldOf(fieldOf(root, "coreos")?.value, "etcd")?.value, "discovery");
  if (!discovery || discovery.value.kind === "null") return [];
  const value = discovery.value;
  // Upstream formats a non-string as "<int Value>", which never parses.
  const ok = value.kind === "string" && isScalar(value) && isRequestUri(value.text);
  return ok ? [] : [warning(value.offset, "discovery URL is not valid")];
}
