/**
 * /metrics: Prometheus counters and gauges on a registry of our own, so
 * several servers in one process (tests) keep separate figures.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  requests: Counter<"route" | "code">;
  watches: Gauge;
  storeLatency: Histogram<"op">;
}

export function createMetrics(stats: () => Promise<{ tokens: number; members: number }>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "shoal_discovery_" });
  const requests = new Counter({
    name: "shoal_discovery_requests_total",
    help: "HTTP requests by route and status code",
    labelNames: ["route", "code"] as const,
    registers: [registry],
  });
  const watches = new Gauge({
    name: "shoal_discovery_open_watches",
    help: "Long-polls (wait=true) being held",
    registers: [registry],
  });
  const storeLatency = new Histogram({
    name: "shoal_discovery_store_seconds",
    help: "Store call latency",
    labelNames: ["op"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  // Tokens and members are counted at scrape time, from the store itself.
  let last: Promise<{ tokens: number; members: number }> | undefined;
  const current = () => {
    last ??= stats().finally(() => {
      last = undefined;
    });
    return last;
  };
  new Gauge({
    name: "shoal_discovery_tokens",
    help: "Live (unexpired) tokens",
    registers: [registry],
    async collect() {
      this.set((await current()).tokens);
    },
  });
  new Gauge({
    name: "shoal_discovery_members",
    help: "Registered members across live tokens",
    registers: [registry],
    async collect() {
      this.set((await current()).members);
    },
  });
  return { registry, requests, watches, storeLatency };
}
