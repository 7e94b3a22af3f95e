export { DiscoveryClientError, newToken } from "./client.js";
export { type Clock, ManualClock, systemClock } from "./clock.js";
export { DiscoveryError } from "./errors.js";
export { parseCount, parseDuration, parseListen } from "./flags.js";
export { parseStoreSpec, type StoreSpec } from "./open-store.js";
export {
  DEFAULTS,
  type DiscoveryServer,
  type DiscoveryServerOptions,
  formatDuration,
  startDiscoveryServer,
} from "./server.js";
