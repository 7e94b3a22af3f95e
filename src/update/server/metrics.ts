/** /metrics: Prometheus figures on a registry of the server's own. */
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { UpdateStore } from "./store.js";
import { CHANNELS } from "./store.js";

export interface Metrics {
  registry: Registry;
  requests: Counter<"route" | "code">;
  checks: Counter<"answer">;
  events: Counter<"type" | "result">;
}

export function createMetrics(store: UpdateStore): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "shoal_updates_" });
  const requests = new Counter({
    name: "shoal_updates_requests_total",
    help: "HTTP requests by route and status code",
    labelNames: ["route", "code"] as const,
    registers: [registry],
  });
  const checks = new Counter({
    name: "shoal_updates_checks_total",
    help: "Omaha update checks by answer (noupdate, ok)",
    labelNames: ["answer"] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: "shoal_updates_events_total",
    help: "Omaha events by eventtype and eventresult",
    labelNames: ["type", "result"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "shoal_updates_instances",
    help: "Machines the server has heard from",
    registers: [registry],
    collect() {
      this.set(store.instances().length);
    },
  });
  new Gauge({
    name: "shoal_updates_paused_channels",
    help: "Channels whose rollout is paused",
    registers: [registry],
    collect() {
      this.set(CHANNELS.filter((c) => store.channel(c)?.paused).length);
    },
  });
  return { registry, requests, checks, events };
}
