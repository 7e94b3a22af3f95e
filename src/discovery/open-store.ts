/** Turns a `--store` spec into a store: `sqlite:PATH` or `etcd:URL[,URL...]`. */
import { UsageError } from "../errors/index.js";
import type { Store } from "./store.js";

export type StoreSpec = { kind: "sqlite"; path: string } | { kind: "etcd"; endpoints: string[] };

export function parseStoreSpec(spec: string): StoreSpec {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? "" : spec.slice(colon + 1);
  const bad = (why: string) =>
    new UsageError(`--store: bad store "${spec}": ${why}`, {
      hint: "use sqlite:PATH or etcd:URL[,URL...]",
    });
  if (kind === "sqlite") {
    if (!rest) throw bad("missing the database path");
    return { kind: "sqlite", path: rest };
  }
  if (kind === "etcd") {
    const endpoints = rest.split(",").filter((u) => u !== "");
    if (endpoints.length === 0) throw bad("missing the etcd endpoint URLs");
    for (const u of endpoints) {
      if (!/^https?:\/\/[^/]+\/?$/.test(u)) throw bad(`"${u}" is not an http(s)://HOST:PORT URL`);
    }
    return { kind: "etcd", endpoints };
  }
  throw bad(`unknown kind "${kind}"`);
}

export async function openStore(spec: StoreSpec, onError?: (err: unknown) => void): Promise<Store> {
  // Each store's client is loaded on demand: `shoal up` imports this module only to ask an
  // existing server for a token, and etcd's gRPC client is weight a SQLite server does not need.
  if (spec.kind === "sqlite") {
    const { SqliteStore } = await import("./sqlite-store.js");
    try {
      return new SqliteStore(spec.path);
    } catch (err) {
      // SQLite's own words ("unable to open database file") do not say which file.
      throw new Error(`cannot open the SQLite store ${spec.path}: ${(err as Error).message}`);
    }
  }
  const { EtcdStore } = await import("./etcd-store.js");
  return EtcdStore.open(spec.endpoints, onError);
}
