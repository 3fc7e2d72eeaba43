import type { Logger } from "pino";
import type { TaskUsage } from "../../agent-protocol/messages.js";
import { cpuUnitsBetween, parseDockerStats, type ContainerSample } from "./docker-stats.js";

/** A running task's containers, as the sampler sees them. */
export interface RunningTask {
  readonly taskArn: string;
  readonly dockerIds: readonly string[];
}

export interface StatsSamplerOptions {
  /** The tasks whose containers run now. */
  readonly running: () => readonly RunningTask[];
  /** One sample of a container: Docker's stats JSON. */
  readonly sample: (dockerId: string) => Promise<unknown>;
  /** Where each round's usage goes (the agent channel). */
  readonly send: (usage: TaskUsage[]) => void;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** At most this many Docker calls at once (default 4): a host of 100 containers is sampled without a burst. */
  readonly concurrency?: number;
}

/**
 * Samples every running container's CPU and memory once per interval with one-shot stats calls
 * (not one stream per container held open), and sends each task's usage (its containers summed)
 * in one batch. CPU needs two samples of a container: a container's first round counts its memory
 * only, and a task is sent once each of its containers has a CPU figure.
 */
export class StatsSampler {
  private previous = new Map<string, ContainerSample>();
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly opts: StatsSamplerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.round()
        .then((usage) => usage.length > 0 && this.opts.send(usage))
        .catch((err: unknown) => this.opts.logger.warn({ err }, "container statistics round failed"))
        .finally(() => (this.running = false));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: samples every running container and answers each task's usage. */
  async round(): Promise<TaskUsage[]> {
    const tasks = this.opts.running();
    const ids = tasks.flatMap((t) => t.dockerIds);
    const samples = new Map<string, ContainerSample>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const sample = parseDockerStats(await this.opts.sample(id).catch(() => undefined));
        if (sample) samples.set(id, sample);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, ids.length) }, worker));
    const usage: TaskUsage[] = [];
    for (const t of tasks) {
      let cpuUnits = 0;
      let memoryBytes = 0;
      let complete = t.dockerIds.length > 0;
      for (const id of t.dockerIds) {
        const now = samples.get(id);
        const before = this.previous.get(id);
        const cpu = now && before ? cpuUnitsBetween(before, now) : undefined;
        if (!now || cpu === undefined) complete = false;
        cpuUnits += cpu ?? 0;
        memoryBytes += now?.memoryBytes ?? 0;
      }
      if (complete) usage.push({ taskArn: t.taskArn, cpuUnits, memoryMiB: memoryBytes / 1048576 });
    }
    // Containers gone from this round are forgotten.
    this.previous = samples;
    return usage;
  }
}
