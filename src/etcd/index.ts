export {
  type Answer,
  CLIENT_PORTS,
  type EtcdMember,
  findClientUrl,
  health,
  hexId,
  type MemberStatus,
  memberStatus,
  members,
  waitHealthy,
} from "./http.js";
