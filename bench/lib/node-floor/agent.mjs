// One machine of the floor: a Node process that starts etcd and stays its parent.
// Usage: node agent.mjs HOST TOKEN_URL DATA_DIR HEARTBEAT_MS ELECTION_MS
import { spawn } from "node:child_process";

const [host, token, dataDir, heartbeat, election] = process.argv.slice(2);
const client = `http://${host}:2379`;
const peer = `http://${host}:2380`;
spawn(
  "etcd",
  [
    ...["--name", host, "--data-dir", dataDir, "--discovery", token],
    ...["--listen-client-urls", client, "--advertise-client-urls", client],
    ...["--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer],
    ...["--heartbeat-interval", heartbeat, "--election-timeout", election],
  ],
  { stdio: "ignore" },
);
