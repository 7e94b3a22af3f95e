/** Shared pieces of the update tests: a store directory, an Omaha client, a release tree. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  COREOS_APP_ID,
  type OmahaApp,
  type OmahaEvent,
  type ResponseReading,
  readResponse,
  renderRequest,
} from "../../src/update/index.js";
import { OwnedProcess } from "../e2e/harness/index.js";
import { SHOAL_BIN } from "../helpers/cli.js";

export interface Check {
  machineId: string;
  version: string;
  track?: string;
  alias?: string;
  updateCheck?: boolean;
  events?: OmahaEvent[];
  appId?: string;
}

export function omahaApp(c: Check): OmahaApp {
  return {
    appId: c.appId ?? COREOS_APP_ID,
    version: c.version,
    track: c.track ?? "stable",
    bootId: "{boot}",
    oem: "",
    oemVersion: "",
    alephVersion: c.version,
    machineId: c.machineId,
    ...(c.alias ? { machineAlias: c.alias } : {}),
    lang: "en-US",
    board: "amd64-usr",
    hardwareClass: "",
    deltaOkay: false,
    ping: true,
    updateCheck: c.updateCheck ?? true,
    events: c.events ?? [],
  };
}

export function omahaBody(c: Check): string {
  return renderRequest({
    protocol: "3.0",
    installSource: "ondemandupdate",
    os: { version: "Chateau", platform: "CoreOS", sp: `${c.version}_x86_64` },
    app: omahaApp(c),
  });
}

/** POSTs an Omaha request as update_engine does; the HTTP status, the body and its reading. */
export async function omaha(
  serverUrl: string,
  c: Check,
): Promise<{ status: number; text: string; reading: ResponseReading }> {
  const res = await fetch(`${serverUrl}/v1/update/`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: omahaBody(c),
  });
  const text = await res.text();
  return { status: res.status, text, reading: readResponse(text) };
}

/** The payload file that `shoal updates publish` (its output given) stored in the default store of stateDir. */
export function publishedPayload(stateDir: string, publishOutput: string): string {
  const sha = /sha256 (\S+)\)/.exec(publishOutput)?.[1];
  if (!sha) throw new Error(`no sha256 in the publish output: ${publishOutput}`);
  return join(
    stateDir,
    "updates",
    "payloads",
    `${Buffer.from(sha, "base64").toString("hex")}.tar.gz`,
  );
}

/** Flips one byte near a file's end, its size kept: a payload changed on the server's disk. */
export function tamper(file: string): void {
  const bytes = readFileSync(file);
  const at = bytes.length - 5;
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
  writeFileSync(file, bytes);
}

/** A small /usr tree: bin/hello prints the release it came from. */
export function releaseTree(dir: string, version: string): string {
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "bin", "hello"), `#!/bin/sh\necho hello from ${version}\n`, {
    mode: 0o755,
  });
  mkdirSync(join(dir, "share", "shoal"), { recursive: true });
  writeFileSync(join(dir, "share", "shoal", "notes.txt"), `release ${version}\n`);
  return dir;
}

/** `shoal updates serve ARGS` from the built CLI, resolved once it prints its ready line. The caller owns `proc`. */
export async function serveUpdates(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ proc: OwnedProcess; url: string }> {
  const proc = new OwnedProcess([process.execPath, SHOAL_BIN, "updates", "serve", ...args], {
    env,
  });
  try {
    const m = await proc.waitForOutput(/^update server listening on (http:\/\/\S+)$/m);
    return { proc, url: m[1] as string };
  } catch (err) {
    await proc.kill();
    throw err;
  }
}
