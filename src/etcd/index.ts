export { EtcdClient, Kv } from "./client.js";
export {
  type Compare,
  type CompareOp,
  type CompareTarget,
  compare,
  type KeyValue,
  type Op,
  type OpResult,
  op,
  type RangeResult,
  type TxnResult,
  type WatchEvent,
} from "./codec.js";
export {
  type Answer,
  CLIENT_PORTS,
  type EtcdMember,
  findClientUrl,
  getValue,
  health,
  hexId,
  type MemberStatus,
  memberStatus,
  members,
  waitHealthy,
} from "./http.js";
export { Lease } from "./lease.js";
export { type EtcdClientOptions, EtcdError, EtcdUnavailable } from "./transport.js";
export { Watch, type WatchHandlers } from "./watch.js";
