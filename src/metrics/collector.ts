import type { Logger } from "pino";
import type { TaskUsage } from "../agent-protocol/messages.js";
import { MinuteAccumulator } from "../domain/metrics/accumulator.js";
import { allContainerInstances } from "../state/scan.js";
import type { Store } from "../state/store.js";
import { ecsMetrics, type Usage } from "./ecs-metrics.js";
import { ResourceBook } from "./resource-book.js";
import type { MetricSample } from "./sample.js";

export interface MetricsCollectorOptions {
  readonly store: Store;
  readonly now: () => number;
  readonly logger: Logger;
  /** How often the metrics are computed and written (each tick is one sample of each metric). */
  readonly tickMs: number;
  /** Usage older than this does not count (an agent reports every 10 s by default). */
  readonly staleAfterMs: number;
  /** Datapoints older than this are pruned, once an hour (alarm history after 30 days, as CloudWatch). */
  readonly retentionMs: number;
  /** Other namespaces' samples at each tick (the load balancers': metrics/elb-metrics.ts). */
  readonly sources?: readonly (() => readonly MetricSample[])[];
}

const pruneEveryMs = 3_600_000;
/** CloudWatch keeps alarm history 30 days. */
const alarmHistoryKeptMs = 30 * 24 * 3_600_000;

/**
 * The metrics Berth computes: every tick, one sample of each AWS/ECS metric, from the agents' task
 * usage (`record`) and the store's tasks and instances (a {@link ResourceBook} kept by the change
 * log; ecs-metrics.ts), and of the other sources' (the load balancers'), folded per minute and
 * written to the metric store in one write. Reports of tasks not on the reporting agent's own
 * instance are refused (counted, never applied).
 */
export class MetricsCollector {
  readonly book = new ResourceBook();
  private readonly usage = new Map<string, Usage>();
  private readonly accumulator = new MinuteAccumulator();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private lastPruneMs = 0;
  private ticking: Promise<void> = Promise.resolve();
  /** The last tick's AWS/ECS values, for /metrics. */
  latest: readonly MetricSample[] = [];
  refusedReports = 0;

  constructor(private readonly opts: MetricsCollectorOptions) {}

  async start(): Promise<void> {
    const onError = (err: unknown) => this.opts.logger.error({ err }, "metrics: a change could not be applied");
    // Load, then follow from a revision the load already covers (see firewall-publisher.ts).
    const from = await this.opts.store.changes.head();
    for await (const instance of allContainerInstances(this.opts.store)) {
      this.book.instance(instance);
      for (const task of await this.opts.store.read((tx) => tx.tasks.holdingResources(instance.arn))) this.book.task(task);
    }
    this.unsubscribe = this.opts.store.changes.subscribe((c) => this.book.apply(c), { from, onError });
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick()).catch((err: unknown) => this.opts.logger.error({ err }, "metrics: a tick failed"));
    }, this.opts.tickMs);
  }

  /** An agent's report: usage of tasks on its instance. Returns how many were refused (not on that instance). */
  record(instanceArn: string, tasks: readonly TaskUsage[]): number {
    const atMs = this.opts.now();
    let refused = 0;
    for (const t of tasks) {
      if (this.book.tasks.get(t.taskArn)?.instanceArn !== instanceArn) refused++;
      else this.usage.set(t.taskArn, { cpuUnits: t.cpuUnits, memoryMiB: t.memoryMiB, atMs });
    }
    this.refusedReports += refused;
    return refused;
  }

  /** Computes one sample of every metric and writes what accumulated. */
  async tick(): Promise<void> {
    const nowMs = this.opts.now();
    for (const [arn, u] of this.usage) if (nowMs - u.atMs > this.opts.staleAfterMs || !this.book.tasks.has(arn)) this.usage.delete(arn);
    this.latest = ecsMetrics(this.book.tasks.values(), this.book.instances.values(), this.usage, nowMs, this.opts.staleAfterMs);
    for (const v of [...this.latest, ...(this.opts.sources ?? []).flatMap((sample) => sample())]) this.accumulator.add(v.metric, nowMs, v, v.unit);
    const points = this.accumulator.drain();
    const prune = nowMs - this.lastPruneMs >= pruneEveryMs;
    if (points.length === 0 && !prune) return;
    await this.opts.store.write(async (tx) => {
      await tx.metrics.add(points);
      if (prune) {
        await tx.metrics.prune(nowMs - this.opts.retentionMs);
        await tx.alarms.pruneHistory(nowMs - alarmHistoryKeptMs);
      }
    });
    if (prune) this.lastPruneMs = nowMs;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.ticking;
  }
}
