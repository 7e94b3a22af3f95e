export { DiscoveryClientError, newToken } from "./client.js";
export { type Clock, ManualClock, systemClock } from "./clock.js";
export { parseListen } from "./flags.js";
export {
  DEFAULTS,
  type DiscoveryServer,
  type DiscoveryServerOptions,
  startDiscoveryServer,
} from "./server.js";
