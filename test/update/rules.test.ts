import { describe, expect, it } from "vitest";
import { checkEntry, type PayloadEntry } from "../../src/update/index.js";

const file = (path: string): PayloadEntry => ({ path, kind: "file" });
const symlink = (path: string, linkpath: string): PayloadEntry => ({
  path,
  kind: "symlink",
  linkpath,
});

describe("payload entry rules", () => {
  it.each([
    file("bin/etcd"),
    file("./bin/etcd"),
    file("lib/../bin/x"),
    { path: "share/", kind: "directory" } as PayloadEntry,
    symlink("bin/sh", "bash"),
    symlink("lib64", "/usr/lib"),
    symlink("bin/tool", "../lib/tool/run"),
    symlink("usr-root", "/usr"),
    { path: "bin/b", kind: "hardlink", linkpath: "bin/a" } as PayloadEntry,
  ])("accepts %j", (entry) => {
    expect(checkEntry(entry)).toBeUndefined();
  });

  it.each([
    [file("/etc/passwd"), "is an absolute path; payload paths are relative to /usr"],
    [file("../etc/passwd"), "escapes /usr"],
    [file("bin/../../etc/shadow"), "escapes /usr"],
    [file(""), "has an empty or invalid path"],
    [symlink("bin/sh", "/bin/sh"), "is a symlink to /bin/sh, outside /usr"],
    [symlink("bin/x", "../../etc/passwd"), "is a symlink to ../../etc/passwd, outside /usr"],
    [symlink("lib/usrx", "/usrx"), "is a symlink to /usrx, outside /usr"],
    [symlink("bin/x", ""), "is a symlink with no target"],
    [
      { path: "bin/b", kind: "hardlink", linkpath: "../etc/passwd" } as PayloadEntry,
      "is a hard link to ../etc/passwd, outside /usr",
    ],
    [
      { path: "dev/null", kind: "other", typeName: "CharacterDevice" } as PayloadEntry,
      "is a CharacterDevice; only files, directories and links are allowed",
    ],
  ])("refuses %j", (entry, reason) => {
    expect(checkEntry(entry)).toBe(reason);
  });
});
