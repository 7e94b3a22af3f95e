/** `shoal dashboard`: the cluster on one live web page, served on loopback behind a token. */

export { DEFAULT_LISTEN, type Listen, parseListen } from "./listen.js";
export { type Dashboard, type DashboardOptions, startDashboard } from "./server.js";
export type { ClusterView } from "./types.js";
