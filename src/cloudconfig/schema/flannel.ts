import { string, withEnv } from "./types.js";

/** `coreos.flannel` -> /run/flannel/options.env. All strings, in declaration order. */
export const flannel = withEnv("FLANNELD_", {
  etcd_endpoints: string(),
  etcd_cafile: string(),
  etcd_certfile: string(),
  etcd_keyfile: string(),
  etcd_prefix: string(),
  etcd_username: string(),
  etcd_password: string(),
  ip_masq: string(),
  subnet_file: string(),
  interface: string({ env: "FLANNELD_IFACE" }),
  public_ip: string(),
});
