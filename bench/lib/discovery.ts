/**
 * Shared by the discovery benches: the two discovery backends (shoal's
 * server as a real `shoal discovery serve` process; etcd 3.4's own v2 keys
 * API, --enable-v2) and a simulated etcd 3.4 discovery client.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EtcdGroup, serveDiscovery } from "../../test/e2e/harness/index.js";

export interface Backend {
  name: string;
  /** A fresh token URL for a cluster of `size`. */
  newToken(size: number): Promise<string>;
  close(): Promise<void>;
}

export async function shoalBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-"));
  const { proc, url } = await serveDiscovery([
    "--listen",
    "127.0.0.1:0",
    "--store",
    `sqlite:${join(dir, "d.db")}`,
    "--new-rate",
    "0",
  ]);
  return {
    name: "shoal",
    async newToken(size) {
      const answer = await http(`${url}/new?size=${size}`);
      if (answer.status !== 200) throw new Error(`shoal /new: ${answer.status} ${answer.body}`);
      return answer.body;
    },
    async close() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** etcd 3.4 itself as the discovery backend, as etcd's docs describe for self-hosting. */
export async function etcdV2Backend(host: string): Promise<Backend> {
  const group = new EtcdGroup();
  const [member] = await group.startCluster(["discovery"], () => host, {
    extraArgs: ["--enable-v2"],
  });
  const base = `${member?.clientUrl}/v2/keys/_etcd/registry`;
  return {
    name: "etcd v2",
    async newToken(size) {
      const token = `${base}/${randomBytes(16).toString("hex")}`;
      const answer = await http(`${token}/_config/size`, "PUT", `value=${size}`);
      if (answer.status >= 300)
        throw new Error(`etcd v2 PUT size: ${answer.status} ${answer.body}`);
      return token;
    },
    async close() {
      await group.cleanup();
    },
  };
}

/**
 * The load generator's HTTP client: node:http with keep-alive, as etcd's Go
 * client keeps its connections. Lighter than fetch, so the client takes
 * less of the CPU the servers need (both sides get the same client).
 */
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
interface Answer {
  status: number;
  index: string | undefined;
  body: string;
}
function http(url: string, method = "GET", form?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: form ? { "content-type": "application/x-www-form-urlencoded" } : {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => {
          body += c;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            index: res.headers["x-etcd-index"] as string | undefined,
            body,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(form);
  });
}

interface Node {
  key: string;
  modifiedIndex: number;
  createdIndex: number;
}

/**
 * One member's discovery requests exactly as etcd 3.4 sends them:
 * size, list, register, self-watch, size, list, then the recursive watch
 * until `size` members are known. Non-watch request latencies go to `record`.
 */
export async function simulateMember(
  token: string,
  size: number,
  record: (ms: number) => void,
): Promise<void> {
  const id = randomBytes(8).toString("hex");
  const timed = async (url: string, method = "GET", form?: string) => {
    const start = performance.now();
    const answer = await http(url, method, form);
    record(performance.now() - start);
    if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${answer.body}`);
    return answer;
  };
  const list = () => timed(`${token}?quorum=false&recursive=false&sorted=false`);
  await timed(`${token}/_config/size?quorum=false&recursive=false&sorted=false`);
  await list();
  const put = await timed(
    `${token}/${id}?prevExist=false`,
    "PUT",
    `value=${encodeURIComponent(`m${id}=http://10.0.0.1:2380`)}`,
  );
  const created = (JSON.parse(put.body) as { node: Node }).node.createdIndex;
  await http(`${token}/${id}?recursive=false&wait=true&waitIndex=${created}`);
  await timed(`${token}/_config/size?quorum=false&recursive=false&sorted=false`);
  const listed = await list();
  const seen = new Set(
    ((JSON.parse(listed.body) as { node: { nodes?: Node[] } }).node.nodes ?? []).map((n) => n.key),
  );
  let waitIndex = Number(listed.index) + 1;
  while (seen.size < size) {
    const { body } = await http(`${token}?recursive=true&wait=true&waitIndex=${waitIndex}`);
    if (body === "") continue; // a held watch ended empty: re-poll at once, as etcd does
    const node = (JSON.parse(body) as { node: Node }).node;
    seen.add(node.key);
    waitIndex = node.modifiedIndex + 1;
  }
}

/** A whole size-N bootstrap: a new token, then N members in parallel. */
export async function simulateBootstrap(
  backend: Backend,
  size: number,
  record: (ms: number) => void,
): Promise<void> {
  const start = performance.now();
  const token = await backend.newToken(size);
  record(performance.now() - start);
  await Promise.all(Array.from({ length: size }, () => simulateMember(token, size, record)));
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
