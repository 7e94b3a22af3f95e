/**
 * Payload files: a .tar.gz laid over /usr. Lists and checks an archive or a
 * directory against the rules, packs a release (the tree plus its release
 * files), extracts one safely, and digests one (size, sha256, sha1).
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  createReadStream,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import * as tar from "tar";
import { InputError } from "../../errors/index.js";
import { releaseFiles } from "./files.js";
import { checkEntry, type EntryKind, type PayloadEntry } from "./rules.js";

const KINDS: Record<string, EntryKind> = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  Directory: "directory",
  SymbolicLink: "symlink",
  Link: "hardlink",
};

/** Every entry of a (gzipped) tar archive; InputError naming the file when it cannot be read. */
export async function listArchive(file: string): Promise<PayloadEntry[]> {
  const entries: PayloadEntry[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (e) => {
        const kind = KINDS[e.type] ?? "other";
        entries.push({ path: e.path, kind, linkpath: e.linkpath, typeName: e.type });
      },
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new InputError(`not a readable .tar.gz: ${why}`, { file });
  }
  if (entries.length === 0) throw new InputError("not a .tar.gz, or an empty one", { file });
  return entries;
}

/** Every entry under a directory, paths relative to it (directories first, as tar lists them). */
export function walkTree(root: string): PayloadEntry[] {
  const out: PayloadEntry[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = relative(root, full);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        out.push({ path, kind: "directory" });
        visit(full);
      } else if (st.isSymbolicLink()) {
        out.push({ path, kind: "symlink", linkpath: readlinkSync(full) });
      } else if (st.isFile()) {
        out.push({ path, kind: "file" });
      } else {
        out.push({ path, kind: "other", typeName: "special file (device, fifo or socket)" });
      }
    }
  };
  visit(root);
  return out;
}

/** Throws InputError naming the first entry the rules refuse. */
export function checkEntries(entries: PayloadEntry[], source: string): void {
  for (const e of entries) {
    const why = checkEntry(e);
    if (why) throw new InputError(`${e.path} ${why}`, { file: source });
  }
}

/** Extracts a checked archive into `dest` (which must exist), refusing what the rules refuse. */
export async function extractPayload(file: string, dest: string): Promise<void> {
  checkEntries(await listArchive(file), file);
  await tar.x({ file, cwd: dest, strict: true, preservePaths: false, noChmod: false });
}

export interface Digest {
  size: number;
  /** base64 */
  sha256: string;
  /** base64 (Omaha's package hash) */
  sha1: string;
}

export function digestFile(file: string): Promise<Digest> {
  return new Promise((resolve, reject) => {
    const sha256 = createHash("sha256");
    const sha1 = createHash("sha1");
    let size = 0;
    createReadStream(file)
      .on("data", (chunk) => {
        const b = chunk as Buffer;
        size += b.length;
        sha256.update(b);
        sha1.update(b);
      })
      .on("error", reject)
      .on("end", () =>
        resolve({ size, sha256: sha256.digest("base64"), sha1: sha1.digest("base64") }),
      );
  });
}

/**
 * Writes `root/path`, never through a symlink: a tree's `lib -> /usr/lib64`
 * is fine on a machine, but followed here it would write into the host's /usr.
 */
function writeInside(root: string, path: string, text: string, source: string): void {
  const parts = path.split("/");
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st?.isSymbolicLink())
      throw new InputError(
        `${relative(root, dir)} is a symlink; the release files need a real directory there`,
        { file: source },
      );
    if (!st) mkdirSync(dir, { mode: 0o755 });
  }
  const target = join(root, path);
  rmSync(target, { force: true, recursive: true });
  writeFileSync(target, text, { mode: 0o644 });
}

/**
 * Packs a release into `out` (.tar.gz): the source tree (a directory or an
 * archive, checked first) with the release's own files written over it.
 * `source` undefined packs the release files alone (the base release).
 */
export async function packRelease(opts: {
  source?: string;
  version: string;
  appId: string;
  out: string;
}): Promise<void> {
  const work = mkdtempSync(join(dirname(opts.out), ".pack-"));
  try {
    if (opts.source !== undefined) {
      if (lstatSync(opts.source).isDirectory()) {
        checkEntries(walkTree(opts.source), opts.source);
        cpSync(opts.source, work, { recursive: true, verbatimSymlinks: true, force: true });
      } else {
        await extractPayload(opts.source, work);
      }
    }
    for (const [path, text] of Object.entries(releaseFiles(opts.version, opts.appId)))
      writeInside(work, path, text, opts.source ?? "");
    const top = readdirSync(work).sort();
    await tar.c({ file: opts.out, cwd: work, gzip: true, portable: true }, top);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
