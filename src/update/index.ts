/** Releases and channels: the Omaha protocol, the update server and its store, the machine's update engine. */

export * from "./engine/index.js";
export * from "./omaha/index.js";
export * from "./release/index.js";
export { ensureBaseReleases, type PublishOptions, publishRelease } from "./server/releases.js";
export {
  type ChannelRow,
  channelRows,
  clusterMachineRows,
  type MachineFacts,
  type MachineRow,
  machineRows,
  renderChannels,
  renderMachines,
} from "./server/report.js";
export {
  DEFAULT_PORT,
  startUpdateServer,
  type UpdateServer,
  type UpdateServerOptions,
} from "./server/server.js";
export {
  CHANNELS,
  type ChannelState,
  type Instance,
  isChannel,
  type Release,
  UpdateStore,
} from "./server/store.js";
