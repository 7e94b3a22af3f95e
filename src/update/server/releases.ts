/**
 * Putting releases into the store: the built-in base release every channel
 * starts on, and `publish` (check, pack, digest, sign, then one transaction
 * that also re-checks the version). A refused publish leaves nothing behind.
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../errors/index.js";
import { COREOS_APP_ID } from "../omaha/index.js";
import {
  compareVersions,
  digestFile,
  isVersion,
  packRelease,
  signRelease,
} from "../release/index.js";
import { CHANNELS, isChannel, type Release, type UpdateStore } from "./store.js";

async function storeRelease(
  store: UpdateStore,
  opts: { channel: string; version: string; source?: string; now: number; base: boolean },
  accept: (current: Release | undefined) => void,
): Promise<Release> {
  const tmp = join(store.payloadDir, `.publish-${process.pid}-${Date.now()}.tar.gz`);
  let file: string | undefined;
  try {
    await packRelease({
      source: opts.source,
      version: opts.version,
      appId: COREOS_APP_ID,
      out: tmp,
    });
    const digest = await digestFile(tmp);
    const hex = Buffer.from(digest.sha256, "base64").toString("hex");
    file = `${hex}.tar.gz`;
    renameSync(tmp, join(store.payloadDir, file));
    const facts = { version: opts.version, size: digest.size, sha256: digest.sha256 };
    return store.addRelease(
      {
        channel: opts.channel,
        ...facts,
        sha1: digest.sha1,
        signature: signRelease(store.signingKey().privateKey, facts),
        file,
        publishedAt: opts.now,
        base: opts.base,
      },
      accept,
    );
  } catch (err) {
    rmSync(tmp, { force: true });
    if (file && !store.releaseByFile(file)) rmSync(join(store.payloadDir, file), { force: true });
    throw err;
  }
}

/** Every channel with nothing published serves the base release: shoal's own version, no files of its own. */
export async function ensureBaseReleases(
  store: UpdateStore,
  baseVersion: string,
  now: number,
): Promise<void> {
  for (const channel of CHANNELS) {
    const current = store.channel(channel)?.release;
    if (current && !(current.base && current.version !== baseVersion)) continue;
    await storeRelease(store, { channel, version: baseVersion, now, base: true }, (latest) => {
      if (latest && !latest.base) throw new Error(`${channel} was published to meanwhile`);
    });
  }
}

export interface PublishOptions {
  channel: string;
  version: string;
  /** A directory (the /usr tree) or a .tar.gz of it. */
  source: string;
  force?: boolean;
  now: number;
}

export async function publishRelease(store: UpdateStore, opts: PublishOptions): Promise<Release> {
  if (!isChannel(opts.channel))
    throw new InputError(
      `unknown channel "${opts.channel}"`,
      { file: "--channel" },
      `use one of ${CHANNELS.join(", ")}`,
    );
  if (!isVersion(opts.version))
    throw new InputError(
      `bad version "${opts.version}": expected MAJOR.MINOR.PATCH, each a whole number`,
      { file: "--version" },
    );
  if (!existsSync(opts.source))
    throw new InputError("no such file or directory", { file: opts.source });
  return storeRelease(store, { ...opts, base: false }, (current) => {
    if (opts.force || !current) return;
    if (compareVersions(opts.version, current.version) <= 0)
      throw new InputError(
        `version ${opts.version} is not greater than ${opts.channel}'s current ${current.version}`,
        { file: "--version" },
        "publish a higher version, or pass --force to publish it anyway",
      );
  });
}
