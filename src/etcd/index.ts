export {
  CLIENT_PORTS,
  type EtcdMember,
  findClientUrl,
  healthy,
  hexId,
  type MemberStatus,
  memberStatus,
  members,
  waitHealthy,
} from "./http.js";
