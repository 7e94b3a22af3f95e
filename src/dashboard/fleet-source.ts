import { join } from "node:path";
import {
  type Connection,
  connectRegistry,
  DEFAULT_PREFIX,
  readLocalFleet,
  type Snapshot,
} from "../fleet/index.js";

const REQUEST_TIMEOUT_MS = 1_000;
/** A read even without a watch event, in case the watch missed one while it reconnected. */
const REREAD_MS = 10_000;

/**
 * One registry connection to the cluster's etcd, with a watch on fleet's
 * keys: a unit started with fleetctl shows without waiting for the next
 * look, and the registry is read again only when the watch saw a change.
 */
export class FleetSource {
  private conn: Connection | undefined;
  private endpoints: string[] = [];
  private last: Snapshot | undefined;
  private readAt = 0;
  private changed = true;

  constructor(
    private readonly dir: string,
    private readonly onChange: () => void,
  ) {}

  /**
   * fleet's registry as one consistent read, or undefined when no member
   * answers. The connection is remade only when a member appears that it
   * does not know: the client itself steps over members that are down, so
   * a halted machine costs neither a reconnect nor the watch.
   */
  async snapshot(
    clientUrls: readonly string[],
    machineNames: readonly string[],
  ): Promise<Snapshot | undefined> {
    if (clientUrls.length === 0) {
      this.close(); // nothing answers: no watch left retrying against machines that are gone
      return undefined;
    }
    const known = new Set(this.endpoints);
    if (clientUrls.some((u) => !known.has(u))) {
      const endpoints = [...new Set([...this.endpoints, ...clientUrls])].sort();
      this.close();
      this.endpoints = endpoints;
      this.conn = connectRegistry({
        endpoints,
        prefix: this.prefix(machineNames),
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      });
      this.watch(this.conn);
    }
    if (!this.conn) return undefined;
    if (!this.changed && this.last && Date.now() - this.readAt < REREAD_MS) return this.last;
    this.changed = false;
    try {
      this.last = await this.conn.registry.snapshot();
      this.readAt = Date.now();
      return this.last;
    } catch {
      this.changed = true;
      this.last = undefined;
      return undefined;
    }
  }

  /** The registry of the last look, for fleetctl's start and stop. */
  connection(): Connection | undefined {
    return this.conn;
  }

  close(): void {
    this.conn?.close();
    this.conn = undefined;
    this.endpoints = [];
    this.last = undefined;
    this.changed = true;
  }

  /** The prefix fleetd was given in user-data, as it told its machine's fleetctl. */
  private prefix(machineNames: readonly string[]): string {
    for (const name of machineNames) {
      const local = readLocalFleet(join(this.dir, ".shoal", "machines", name));
      if (local)
        return local.etcdKeyPrefix.endsWith("/") ? local.etcdKeyPrefix : `${local.etcdKeyPrefix}/`;
    }
    return DEFAULT_PREFIX;
  }

  private watch(conn: Connection): void {
    const changed = () => {
      this.changed = true;
      this.onChange();
    };
    conn.registry.ns
      .watch("", { prefix: true }, { onEvents: changed, onCompacted: changed })
      // etcd gone meanwhile: the next look makes a new connection.
      .catch(() => {});
  }
}
