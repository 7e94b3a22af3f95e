export { type Exit, OwnedProcess } from "./child.js";
export { serveDiscovery } from "./discovery.js";
export { EtcdGroup, type EtcdOptions, EtcdProcess } from "./etcd-process.js";
export { agentPid, peakMemoryMb } from "./machine-process.js";
export { freePort } from "./ports.js";
export { waitFor } from "./wait.js";
