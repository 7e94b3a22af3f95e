import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { newToken } from "../discovery/index.js";
import { stateDir } from "../host/index.js";
import { bindLocal, runningLocalServer, startLocalServer } from "./local-server.js";
import type { DiscoverySetting } from "./spec/types.js";

/** A discovery token URL, and when the server behind it answers. */
export interface Token {
  url: string;
  /**
   * Settles once the server serves the token: at once for a server that was
   * already running, when its ready line comes for one `up` just started
   * (rejected, with its log, should that one die first).
   */
  served: Promise<void>;
}

/**
 * Where `shoal up` gets a discovery token: a fixed token URL as it is, a
 * fresh token from a given server, or (auto) from shoal's own discovery
 * server on the address the machines reach the host at, started in the
 * background when none runs there.
 */
export async function freshToken(
  setting: DiscoverySetting,
  size: number,
  hostAddress: string,
  env: NodeJS.ProcessEnv,
): Promise<Token> {
  const served = Promise.resolve();
  switch (setting.kind) {
    case "token":
      return { url: setting.url, served };
    case "server":
      return { url: await newToken(setting.url, size), served };
    case "auto": {
      const running = runningLocalServer("discovery", hostAddress, env);
      if (running) return { url: await newToken(running, size), served };
      return startDiscoveryServer(hostAddress, size, env);
    }
  }
}

/**
 * Starts the local discovery server on `host` without waiting for it: this
 * process binds the socket and picks the first token, and the server, given
 * both, stores the token before it accepts. Members that ask before it has
 * loaded wait in the socket's backlog, so the Node start-up of the server
 * overlaps the machines' own boot instead of delaying it.
 */
async function startDiscoveryServer(
  host: string,
  size: number,
  env: NodeJS.ProcessEnv,
): Promise<Token> {
  const bound = await bindLocal(host, 0);
  const token = randomBytes(16).toString("hex");
  const served = startLocalServer(
    "discovery",
    host,
    bound,
    [
      "discovery",
      "serve",
      "--listen",
      `${host}:${new URL(bound.url).port}`,
      "--token",
      `${token}:${size}`,
      "--store",
      `sqlite:${join(stateDir(env), `discovery-${host}.db`)}`,
      // One local user: no per-address limit on new tokens.
      "--new-rate",
      "0",
    ],
    env,
    /^discovery server listening on (\S+)\s*$/m,
  );
  return { url: `${bound.url}/${token}`, served };
}
