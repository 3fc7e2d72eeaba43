import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../state/store.js";
import type { MetricsCollector } from "./collector.js";
import { registerElbSeries, type RegionTraffic } from "./prometheus-elb.js";

/** Berth's own series, the AWS/ECS ones and the load balancers' (prometheus-elb.ts), in one prom-client registry of the server's (no global state). */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly apiLatency: Histogram<"protocol" | "operation" | "outcome">;
  readonly storeWrite: Histogram;
  readonly placements: Counter<"outcome" | "reason">;
}

const ecsGauges = [
  ["CPUUtilization", "aws_ecs_cpu_utilization_percent", "AWS/ECS CPUUtilization of the last tick (per cluster, and per cluster and service: the tasks' average)"],
  ["MemoryUtilization", "aws_ecs_memory_utilization_percent", "AWS/ECS MemoryUtilization of the last tick (per cluster, and per cluster and service: the tasks' average)"],
  ["CPUReservation", "aws_ecs_cpu_reservation_percent", "AWS/ECS CPUReservation of the last tick, per cluster"],
  ["MemoryReservation", "aws_ecs_memory_reservation_percent", "AWS/ECS MemoryReservation of the last tick, per cluster"],
] as const;

/** A region's metrics collector and load balancers, as the server's planes expose them. */
export interface RegionMetrics extends RegionTraffic {
  readonly collector: MetricsCollector;
}

export function serverMetrics(regions: () => Iterable<RegionMetrics>): ServerMetrics {
  const registry = new Registry();
  const apiLatency = new Histogram({
    name: "berth_api_request_duration_seconds",
    help: "AWS API requests by protocol, operation (answered ones; refused ones as '-') and outcome (ok, client_error, server_error)",
    labelNames: ["protocol", "operation", "outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const storeWrite = new Histogram({
    name: "berth_store_write_duration_seconds",
    help: "Store writes from call to durable commit (queueing and group commit included)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const placements = new Counter({
    name: "berth_placements_total",
    help: "Tasks placed (outcome placed) and placements refused (outcome failed) by reason",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "berth_agents_connected",
    help: "Container instances whose agent is connected",
    registers: [registry],
    collect() {
      let n = 0;
      for (const { collector } of regions()) for (const i of collector.book.instances.values()) if (i.agentConnected) n++;
      this.set(n);
    },
  });
  new Counter({
    name: "berth_agent_stats_refused_total",
    help: "Task statistics an agent reported for tasks not on its own instance",
    registers: [registry],
    collect() {
      this.reset();
      for (const { collector } of regions()) this.inc(collector.refusedReports);
    },
  });
  for (const [metricName, name, help] of ecsGauges) {
    new Gauge({
      name,
      help,
      labelNames: ["region", "cluster_name", "service_name"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { region, collector } of regions()) {
          for (const v of collector.latest) {
            if (v.metric.metricName !== metricName) continue;
            const dim = (n: string) => v.metric.dimensions.find((d) => d.name === n)?.value ?? "";
            this.set({ region, cluster_name: dim("ClusterName"), service_name: dim("ServiceName") }, v.sum / v.count);
          }
        }
      },
    });
  }
  registerElbSeries(registry, regions);
  return { registry, apiLatency, storeWrite, placements };
}

/** `GET /metrics`: the registry in Prometheus' text format. */
export function metricsRoute(metrics: ServerMetrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let text: string;
    try {
      text = await metrics.registry.metrics();
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`metrics could not be collected: ${err instanceof Error ? err.message : String(err)}\n`);
      return;
    }
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(req.method === "HEAD" ? undefined : text);
  };
}

/** The store, its writes timed into `berth_store_write_duration_seconds`. */
export function timedStore(store: Store, metrics: Pick<ServerMetrics, "storeWrite">): Store {
  return {
    read: (fn) => store.read(fn),
    write: (fn) => {
      const end = metrics.storeWrite.startTimer();
      return store.write(fn).finally(() => end());
    },
    get changes() {
      return store.changes;
    },
    close: () => store.close(),
  };
}
