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
