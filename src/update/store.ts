/**
 * The update store alone, for callers that only read it: `up` reads the
 * release key and the published releases while machines boot, and the
 * whole of update/ (the server, Omaha's XML codec, tar) would cost it
 * ~60 ms of CPU to load on a host whose cores the agents need then.
 */
export { CHANNELS, UpdateStore } from "./server/store.js";
