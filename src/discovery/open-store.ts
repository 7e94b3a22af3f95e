/** Turns a `--store` spec into a store: `sqlite:PATH` or `etcd:URL[,URL...]`. */
import { InputError } from "../errors/index.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export type StoreSpec = { kind: "sqlite"; path: string } | { kind: "etcd"; endpoints: string[] };

export function parseStoreSpec(spec: string): StoreSpec {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? "" : spec.slice(colon + 1);
  const bad = (why: string) =>
    new InputError(
      `bad store "${spec}": ${why}`,
      { file: "--store" },
      "use sqlite:PATH or etcd:URL[,URL...]",
    );
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
  if (spec.kind === "sqlite") return new SqliteStore(spec.path);
  // Loaded on demand: the etcd client (gRPC, protobufs) is weight a SQLite server does not need.
  const { EtcdStore } = await import("./etcd-store.js");
  return EtcdStore.open(spec.endpoints, onError);
}
