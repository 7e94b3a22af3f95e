/** Shared pieces of the fleet tests that need a real etcd: a client, a fresh prefix per test, published machines. */
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";
import { EtcdClient, type Lease } from "../../src/etcd/index.js";
import { Registry } from "../../src/fleet/index.js";

let counter = 0;

/** A registry under a prefix of its own, so tests sharing one etcd never see each other. */
export function freshRegistry(client: EtcdClient): Registry {
  counter += 1;
  return new Registry(client, `/test-${process.pid}-${counter}/fleet/`);
}

export function client(urls: string[]): EtcdClient {
  return new EtcdClient({ endpoints: urls, requestTimeoutMs: 2000 });
}

/**
 * Publishes a machine key on a lease, as an agent's registration does,
 * without running any unit: what the engine sees of a machine.
 */
export async function publishMachine(
  registry: Registry,
  id: string,
  metadata: Record<string, string> = {},
  ttlSeconds = 30,
): Promise<Lease> {
  const lease = registry.ns.lease(ttlSeconds);
  await registry.publishMachine(lease, { id, metadata, version: "test", publicIp: "127.0.0.1" });
  return lease;
}

/**
 * Runs the CLI's main() in this process with captured streams: the same
 * code path as the built binary minus a Node start-up per call, which keeps
 * tests that run many fleetctl commands fast.
 */
export async function runMain(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  err.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await main(args, {
    stdout: out,
    stderr: err,
    stdin: new PassThrough(),
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    interrupts: () => new AbortController().signal,
  });
  return { code, stdout, stderr };
}
